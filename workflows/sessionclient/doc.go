// Package sessionclient is the typed Go client of the session workflows: it starts or
// finds a session with update-with-start, sends every machine input as an update (with
// its effects back) or as a signal, reads every query, and reaches the unbound authority.
// Every call addresses a workflow by ID (workflows.WorkflowID) with an empty run ID, so it
// follows continue-as-new.
//
// It owns no state beyond the Temporal client it wraps and must not be imported by
// workflow code.
//
// # Usage
//
//	c := sessionclient.New(temporalClient, sessionclient.Options{})
//	fx, err := c.Open(ctx, "s1")                            // start or find the session
//	fx, err = c.Apply(ctx, "s1", machine.Retire{})          // update: effects or *workflows.Error
//	err = c.Signal(ctx, "s1", machine.Retire{})             // fire and forget
//	st, err := c.RuntimeState(ctx, "s1")
//	if errors.Is(err, machine.ErrRejected) { … }            // refusals keep their machine kind
package sessionclient
