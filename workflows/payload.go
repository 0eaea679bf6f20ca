package workflows

import (
	"go.temporal.io/sdk/converter"

	"github.com/meerkat-temporal/meerkat/machine"
)

// inputOf decodes a raw signal or update payload into the input sp describes. The
// payload is taken as it arrived (converter.RawValue), so no payload can make the SDK's
// converter panic the workflow task: JSON (encoding json/plain, as the Go client and the
// temporal CLI send it) is decoded strictly by the machine's catalogue, a null payload
// reads as the empty input, and any other encoding is refused.
func inputOf(sp machine.InputSpec, raw converter.RawValue) (machine.Input, error) {
	p := raw.Payload()
	if p == nil {
		return sp.Decode(nil)
	}
	switch enc := string(p.GetMetadata()[converter.MetadataEncoding]); enc {
	case converter.MetadataEncodingJSON:
		return sp.Decode(p.GetData())
	case converter.MetadataEncodingNil:
		return sp.Decode(nil)
	default:
		return nil, &Error{
			Kind: machine.KindValidationFailed.String(), Input: sp.Name,
			Reason: "payload encoding " + quoteOr(enc, "(none)") + " is not JSON; send the input as a JSON object (encoding json/plain)",
		}
	}
}

func quoteOr(s, empty string) string {
	if s == "" {
		return empty
	}
	return "\"" + s + "\""
}
