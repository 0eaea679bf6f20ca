package machine

// Placeholders for effects owned by other groups; removed when their branches merge.

type SubmitRunPrimitive struct{ effect }

func (SubmitRunPrimitive) Name() string { return "SubmitRunPrimitive" }

type RecordTerminalOutcome struct{ effect }

func (RecordTerminalOutcome) Name() string { return "RecordTerminalOutcome" }

type PostAdmissionSignal struct {
	effect
	Signal PostAdmissionSignalKind `json:"signal"`
}

func (PostAdmissionSignal) Name() string { return "PostAdmissionSignal" }
