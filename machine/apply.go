package machine

import (
	"fmt"
	"strings"
)

// Input is one DSL trigger: an input or a signal of the machine. Every input is a struct
// named exactly as the spec names it. The interface is sealed: only this package's types
// implement it.
type Input interface {
	// Name returns the DSL name of the input, e.g. "ResolveLiveOpenAdmission".
	Name() string
	step(s *State) (Effects, error)
}

// Effect is one piece of outstanding work the machine hands to the shell. Every effect
// is a struct named exactly as the spec names it.
type Effect interface {
	// Name returns the DSL name of the effect, e.g. "LiveOpenAdmissionResolved".
	Name() string
	isEffect()
}

// effect is embedded in every effect struct to seal the Effect interface.
type effect struct{}

func (effect) isEffect() {}

// Effects are the outstanding work from one Apply, in emission order. The shell carries
// them out in order and reports what it observed as further inputs.
type Effects []Effect

// Names lists the effect names in order, for logs and tests.
func (fx Effects) Names() []string {
	out := make([]string, len(fx))
	for i, e := range fx {
		out[i] = e.Name()
	}
	return out
}

// Apply evaluates in against the state. The first transition (in declaration order) whose
// guards all hold fires: its updates run, then the phase moves, then its effects are built
// from the updated state (spec §1.3-§1.5). On any error the state is untouched and nothing
// is emitted.
func (s *State) Apply(in Input) (Effects, error) {
	if in == nil {
		return nil, invalidInput("<nil>", "no input given")
	}
	fx, err := in.step(s)
	if err == nil {
		s.Applied++
	}
	return fx, err
}

// Preview evaluates in as Apply would and returns the same effects or error, but leaves
// the state exactly as it was. It writes through a journal and rolls it back, so its cost
// does not grow with the size of the state. Preview is not safe for concurrent use with
// readers of the same State (a Temporal workflow is single-threaded, which is what it is
// built for).
func (s *State) Preview(in Input) (Effects, error) {
	st, fx, err := s.Stage(in)
	if err == nil {
		st.Restore()
	}
	return fx, err
}

// Staged is an applied input that can still be undone, as the shell's stage operation
// requires (spec §1.8): apply now, restore if the follow-up side effect fails.
type Staged struct {
	s       *State
	before  State
	undo    []func()
	applied uint64
}

// Stage applies in like Apply and returns a handle that can restore the previous state.
func (s *State) Stage(in Input) (*Staged, Effects, error) {
	if in == nil {
		return nil, nil, invalidInput("<nil>", "no input given")
	}
	st := &Staged{s: s, before: *s}
	s.journal = st
	fx, err := in.step(s)
	s.journal = nil
	if err != nil {
		return nil, nil, err
	}
	s.Applied++
	st.applied = s.Applied
	return st, fx, nil
}

// Restore puts the state back as it was before the staged input, provided no other input
// has been accepted since (compare-and-restore). It reports whether it restored.
func (st *Staged) Restore() bool {
	if st == nil || st.s.Applied != st.applied {
		return false
	}
	for i := len(st.undo) - 1; i >= 0; i-- {
		st.undo[i]()
	}
	*st.s = st.before
	st.applied = 0
	return true
}

// put writes m[k] = v, recording the old entry when the state is staged.
func put[K comparable, V any](s *State, m *map[K]V, k K, v V) {
	if *m == nil {
		*m = make(map[K]V)
	}
	mm := *m
	if s.journal != nil {
		old, had := mm[k]
		s.journal.undo = append(s.journal.undo, func() {
			if had {
				mm[k] = old
			} else {
				delete(mm, k)
			}
		})
	}
	mm[k] = v
}

// del removes m[k], recording the old entry when the state is staged.
func del[K comparable, V any](s *State, m map[K]V, k K) {
	old, had := m[k]
	if !had {
		return
	}
	if s.journal != nil {
		s.journal.undo = append(s.journal.undo, func() { m[k] = old })
	}
	delete(m, k)
}

// clearMap empties *m. When staged, the old map is kept aside and restored whole.
func clearMap[K comparable, V any](s *State, m *map[K]V) {
	if len(*m) == 0 {
		return
	}
	if s.journal != nil {
		// The shallow copy in Staged.before still points at the old map: hand the state
		// a fresh one instead of emptying the old one in place.
		*m = nil
		return
	}
	clear(*m)
}

// phaseSet is a set of lifecycle phases (a bit per phase).
type phaseSet uint16

func phasesOf(ps ...Phase) phaseSet {
	var set phaseSet
	for _, p := range ps {
		set |= 1 << p
	}
	return set
}

func (set phaseSet) has(p Phase) bool { return set&(1<<p) != 0 }

func (set phaseSet) list() []Phase {
	var out []Phase
	for p := PhaseInitializing; p <= PhaseDestroyed; p++ {
		if set.has(p) {
			out = append(out, p)
		}
	}
	return out
}

// Common phase sets of the spec.
var (
	allPhases   = phasesOf(PhaseInitializing, PhaseIdle, PhaseAttached, PhaseRunning, PhaseRetired, PhaseStopped, PhaseDestroyed)
	livePhases  = phasesOf(PhaseIdle, PhaseAttached, PhaseRunning, PhaseRetired, PhaseStopped)
	openPhases  = phasesOf(PhaseIdle, PhaseAttached, PhaseRunning)
	aliveStates = phasesOf(PhaseInitializing, PhaseIdle, PhaseAttached, PhaseRunning, PhaseRetired, PhaseStopped)
)

// guard is one named condition of a transition. Its name is written the way the spec
// states the condition, so a rejection tells the caller what to change.
type guard[I any] struct {
	name  string
	holds func(s *State, in I) bool
}

// rule is one declared transition: from a set of phases (the spec's per_phase list, or a
// single From), to a phase (zero: stay in the current phase), guarded, with updates and
// effects.
type rule[I any] struct {
	name   string
	from   phaseSet
	to     Phase
	guards []guard[I]
	update func(s *State, in I)
	emit   func(s *State, in I) Effects
}

// step runs the DSL selection semantics for one input over its rules.
func step[I interface{ Name() string }](s *State, in I, rules []rule[I]) (Effects, error) {
	var best *rule[I]
	bestPassed, failed := -1, ""
	for i := range rules {
		r := &rules[i]
		if !r.from.has(s.LifecyclePhase) {
			continue
		}
		passed := 0
		for _, g := range r.guards {
			if !g.holds(s, in) {
				break
			}
			passed++
		}
		if passed == len(r.guards) {
			if r.update != nil {
				r.update(s, in)
			}
			if r.to != 0 {
				s.LifecyclePhase = r.to
			}
			if r.emit == nil {
				return nil, nil
			}
			return r.emit(s, in), nil
		}
		if passed > bestPassed {
			best, bestPassed, failed = r, passed, r.guards[passed].name
		}
	}
	return nil, rejection(s.LifecyclePhase, in.Name(), rules, best, failed)
}

func rejection[I any](phase Phase, input string, rules []rule[I], best *rule[I], failed string) *Rejection {
	if len(rules) == 0 {
		return &Rejection{Kind: KindInternal, Phase: phase, Input: input, Reason: "no transition is declared for this input (NoMatchingTransition)"}
	}
	if best != nil {
		return &Rejection{
			Kind: KindRejected, Phase: phase, Input: input, Rule: best.name, Guard: failed,
			Reason: fmt.Sprintf("guard %q of transition %s does not hold", failed, best.name),
		}
	}
	var from phaseSet
	for i := range rules {
		from |= rules[i].from
	}
	kind := KindNotReady
	if phase == PhaseDestroyed {
		kind = KindDestroyed
	}
	names := make([]string, 0, 7)
	for _, p := range from.list() {
		names = append(names, p.String())
	}
	return &Rejection{
		Kind: kind, Phase: phase, Input: input,
		Reason: fmt.Sprintf("accepted only in phases %s", strings.Join(names, ", ")),
	}
}
