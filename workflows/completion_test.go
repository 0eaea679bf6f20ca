package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/workflows"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

// parallel runs f(i) for i in [0, n) on workers goroutines and returns the first error.
func parallel(n, workers int, f func(i int) error) error {
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range next {
				if err := f(i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	go func() {
		defer close(next)
		for i := range n {
			select {
			case next <- i:
			case err := <-errs:
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	return <-errs
}

// TestRealThousandsOfWaiters: 2,000 concurrent waiters on one session (a direct waiter
// and a deduplicated accept joining the original's waiter for each of 1,000 inputs) all
// learn the outcome once their input completes, across continue-as-new boundaries, with
// no update held open.
func TestRealThousandsOfWaiters(t *testing.T) {
	const (
		session = "waiters"
		inputs  = 1000
	)
	_, sc := realClient(t, sessionclient.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := sc.Open(ctx, session); err != nil {
		t.Fatal(err)
	}
	prompt := func(id, key string) workflows.AcceptInputRequest {
		return workflows.AcceptInputRequest{AcceptRequest: machine.AcceptRequest{
			InputID: id, InputKind: machine.KindPrompt, InputOrigin: machine.OriginOperator,
			Durability: machine.DurabilityDurable, IdempotencyKey: machine.Some(key),
		}}
	}
	err := parallel(inputs, 8, func(i int) error {
		res, err := sc.Accept(ctx, session, prompt(fmt.Sprintf("p-%d", i), fmt.Sprintf("k-%d", i)))
		if err == nil && (res.Outcome.Outcome != machine.AcceptAccepted || res.WaitOn.Get() != fmt.Sprintf("p-%d", i)) {
			err = fmt.Errorf("accept %d: %+v", i, res)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	results := make(chan error, 2*inputs)
	wait := func(inputID string) {
		c, err := sc.WaitForCompletion(ctx, session, inputID)
		if err == nil && (!c.Done || c.Outcome.Get() != machine.PublicOutcomeCoalesced) {
			err = fmt.Errorf("%s completed as %+v", inputID, c)
		}
		results <- err
	}
	for i := range inputs {
		go wait(fmt.Sprintf("p-%d", i))
	}
	err = parallel(inputs, 8, func(i int) error {
		res, err := sc.Accept(ctx, session, prompt(fmt.Sprintf("dup-%d", i), fmt.Sprintf("k-%d", i)))
		if err != nil {
			return err
		}
		if res.Outcome.Outcome != machine.AcceptDeduplicated || res.WaitOn.Get() != fmt.Sprintf("p-%d", i) {
			return fmt.Errorf("duplicate %d: %+v", i, res)
		}
		go wait(res.WaitOn.Get())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.WaitForCompletion(ctx, session, "never-accepted"); !errors.Is(err, sessionclient.ErrUnknownInput) {
		t.Fatalf("waiting on an unknown input: %v", err)
	}
	status, err := sc.ShellStatus(ctx, session)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-results:
		t.Fatalf("a waiter returned before its input completed: %v", err)
	default:
	}

	// Complete every input: a progress report coalesces it into an aggregate.
	err = parallel(inputs, 8, func(i int) error {
		res, err := sc.Accept(ctx, session, workflows.AcceptInputRequest{AcceptRequest: machine.AcceptRequest{
			InputID: fmt.Sprintf("c-%d", i), InputKind: machine.KindPeerResponseProgress, InputOrigin: machine.OriginPeer,
			Durability: machine.DurabilityDurable, ExistingSupersededInputID: machine.Some(fmt.Sprintf("p-%d", i)),
		}})
		if err == nil && res.Outcome.Outcome != machine.AcceptAccepted {
			err = fmt.Errorf("coalesce %d: %+v", i, res)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 * inputs {
		if err := <-results; err != nil {
			t.Fatal(err)
		}
	}
	after, err := sc.ShellStatus(ctx, session)
	if err != nil {
		t.Fatal(err)
	}
	if after.Runs <= status.Runs && after.Runs < 2 {
		t.Errorf("the waiters did not span a continue-as-new boundary (runs %d then %d)", status.Runs, after.Runs)
	}
	t.Logf("%d waiters resolved over %d runs", 2*inputs, after.Runs+1)
}

func TestCompletionQueryBound(t *testing.T) {
	env := newEnv(t)
	var errTooMany error
	env.RegisterDelayedCallback(func() {
		_, errTooMany = env.QueryWorkflow(workflows.QueryInputCompletions, make([]string, workflows.MaxCompletionQuery+1))
		env.CancelWorkflow()
	}, time.Second)
	env.ExecuteWorkflow(workflows.SessionWorkflowName, workflows.SessionParams{SessionID: testSession})
	if errTooMany == nil {
		t.Fatal("a query for too many inputs was answered")
	}
}
