package workflows_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
	"github.com/meerkat-temporal/meerkat/workflows"
	"github.com/meerkat-temporal/meerkat/workflows/sessionclient"
)

// TestRealRuntimeLoop runs turns end to end against the reference LLM host (offline echo
// model) on a real server: a plain answer, a multi-step turn with a tool call, a failing
// model whose input is retried up to the stage-attempt limit and then abandoned, and a
// queued batch of inputs that each get their own turn and answer.
func TestRealRuntimeLoop(t *testing.T) {
	_, sc := realClient(t, sessionclient.Options{PollInterval: 20 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	session := fmt.Sprintf("loop-%d", time.Now().UnixNano())
	if _, err := sc.Start(ctx, session); err != nil {
		t.Fatal(err)
	}
	send := func(t *testing.T, text string) workflows.Completion {
		t.Helper()
		res, err := sc.SendText(ctx, session, text, sessionclient.SendOptions{})
		if err != nil || res.Outcome.Outcome != machine.AcceptAccepted {
			t.Fatalf("send %q: %+v, %v", text, res, err)
		}
		c, err := sc.WaitForCompletion(ctx, session, res.WaitOn.Get())
		if err != nil {
			t.Fatalf("wait %q: %v", text, err)
		}
		return c
	}

	t.Run("answer", func(t *testing.T) {
		c := send(t, "hello")
		r := c.Result.Get()
		if !c.Outcome.Is(machine.PublicOutcomeCompleted) || r.Class != machine.ResultClassCompleted || r.Answer != "echo: hello" {
			t.Fatalf("completion = %+v", c)
		}
	})
	t.Run("tool call", func(t *testing.T) {
		c := send(t, "what time is it?\ncall:current_time")
		r := c.Result.Get()
		if r.Class != machine.ResultClassCompleted || !strings.Contains(r.Answer, "[call_") {
			t.Fatalf("completion = %+v, want an answer quoting the tool result", c)
		}
		conv, err := sc.Conversation(ctx, session)
		if err != nil {
			t.Fatal(err)
		}
		var roles []string
		for _, m := range conv.Messages {
			roles = append(roles, m.Role)
		}
		want := []string{llmhost.RoleUser, llmhost.RoleAssistant, llmhost.RoleUser, llmhost.RoleAssistant, llmhost.RoleTool, llmhost.RoleAssistant}
		if strings.Join(roles, ",") != strings.Join(want, ",") {
			t.Fatalf("conversation roles = %v, want %v", roles, want)
		}
	})
	t.Run("failing model is retried, then abandoned", func(t *testing.T) {
		c := send(t, "fail:TokenBudgetExceeded")
		if !c.Outcome.Is(machine.PublicOutcomeAbandoned) {
			t.Fatalf("completion = %+v, want Abandoned", c)
		}
		in, err := sc.InputState(ctx, session, c.InputID)
		if err != nil {
			t.Fatal(err)
		}
		if !in.AbandonReason.Is(machine.AbandonMaxAttemptsExhausted) || in.AbandonAttemptCount.Get() != 3 {
			t.Fatalf("input = %+v, want abandoned MaxAttemptsExhausted after 3 attempts", in)
		}
		if r := c.Result.Get(); r.Class != machine.ResultClassAbandonedWithError || !strings.Contains(r.Error, "TokenBudgetExceeded") {
			t.Fatalf("result = %+v, want AbandonedWithError naming the failure", r)
		}
	})
	t.Run("queued inputs each get a turn", func(t *testing.T) {
		var ids []string
		for i := range 5 {
			res, err := sc.SendText(ctx, session, fmt.Sprintf("q%d", i), sessionclient.SendOptions{})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, res.WaitOn.Get())
		}
		runs := map[string]bool{}
		for i, id := range ids {
			c, err := sc.WaitForCompletion(ctx, session, id)
			if err != nil {
				t.Fatal(err)
			}
			r := c.Result.Get()
			if r.Answer != fmt.Sprintf("echo: q%d", i) || runs[r.RunID] {
				t.Fatalf("input %d: %+v (runs so far %v)", i, r, runs)
			}
			runs[r.RunID] = true
		}
		st, err := sc.RuntimeState(ctx, session)
		if err != nil || st.LifecyclePhase != machine.PhaseAttached {
			t.Fatalf("runtime state = %+v, %v; want Attached after the queue drained", st, err)
		}
	})
}

// TestRealRuntimeLoopAcrossContinueAsNew streams inputs from concurrent senders into an
// attached session that continues as new every few messages: every input runs exactly
// once, in its own turn, with its own answer, and the queue drains.
func TestRealRuntimeLoopAcrossContinueAsNew(t *testing.T) {
	_, sc := realClient(t, sessionclient.Options{PollInterval: 20 * time.Millisecond, Session: workflows.Options{MaxMessagesPerRun: 10}})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	session := fmt.Sprintf("loop-can-%d", time.Now().UnixNano())
	if _, err := sc.Start(ctx, session); err != nil {
		t.Fatal(err)
	}
	const inputs = 60
	err := parallel(inputs, 4, func(i int) error {
		id := fmt.Sprintf("in-%d", i)
		res, err := sc.SendText(ctx, session, id, sessionclient.SendOptions{InputID: id, IdempotencyKey: id})
		if err != nil {
			return err
		}
		c, err := sc.WaitForCompletion(ctx, session, res.WaitOn.Get())
		if err != nil {
			return err
		}
		if r := c.Result.Get(); r.Class != machine.ResultClassCompleted || r.Answer != "echo: "+id {
			return fmt.Errorf("input %s: %+v", id, c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	state, err := sc.MachineState(ctx, session)
	if err != nil {
		t.Fatal(err)
	}
	consumed := 0
	for _, in := range state.InputStates {
		if in.Phase == machine.InputConsumed {
			consumed++
		}
	}
	status, err := sc.ShellStatus(ctx, session)
	if err != nil {
		t.Fatal(err)
	}
	if consumed != inputs || status.RunSeq != inputs || status.Runs < 2 {
		t.Fatalf("consumed %d, runs started %d, continue-as-new boundaries %d; want %d, %d, at least 2", consumed, status.RunSeq, status.Runs, inputs, inputs)
	}
}
