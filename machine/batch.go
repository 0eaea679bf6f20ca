package machine

// NextRunBatch is the runtime loop's batch selection: the inputs the next run stages, in
// the order they run, or nil when no input waits in a lane. Steer inputs go first and
// run together at one boundary; otherwise the oldest queued input runs alone, so every
// queued prompt gets its own turn and its own answer.
func (s *State) NextRunBatch() []string {
	if steer := s.Queue(LaneSteer); len(steer) > 0 {
		ids := make([]string, len(steer))
		for i, v := range steer {
			ids[i] = v.InputID
		}
		return ids
	}
	if queued := s.Queue(LaneQueue); len(queued) > 0 {
		return []string{queued[0].InputID}
	}
	return nil
}
