package machine

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// Opt is the DSL's Option<T>. The zero value is absent (None). Get returns the zero
// value of T when absent, as the DSL's `opt.get("value")` does (spec §1.6). In JSON an
// absent Opt is null, or left out of a struct with the `omitzero` option.
type Opt[T comparable] struct {
	value T
	ok    bool
}

// Some returns a present Opt holding v.
func Some[T comparable](v T) Opt[T] { return Opt[T]{value: v, ok: true} }

// None returns an absent Opt.
func None[T comparable]() Opt[T] { return Opt[T]{} }

// Get returns the held value, or the zero value of T when absent.
func (o Opt[T]) Get() T { return o.value }

// Lookup returns the held value and whether it is present.
func (o Opt[T]) Lookup() (T, bool) { return o.value, o.ok }

// Present reports whether o holds a value.
func (o Opt[T]) Present() bool { return o.ok }

// IsZero reports whether o is absent (used by `omitzero`).
func (o Opt[T]) IsZero() bool { return !o.ok }

// Is reports whether o is present and holds v.
func (o Opt[T]) Is(v T) bool { return o.ok && o.value == v }

// MarshalJSON writes null when absent, otherwise the value.
func (o Opt[T]) MarshalJSON() ([]byte, error) {
	if !o.ok {
		return []byte("null"), nil
	}
	return json.Marshal(o.value)
}

// UnmarshalJSON reads null as absent and anything else as a present value.
func (o *Opt[T]) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*o = Opt[T]{}
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*o = Opt[T]{value: v, ok: true}
	return nil
}

// String renders the value, or "None".
func (o Opt[T]) String() string {
	if !o.ok {
		return "None"
	}
	b, err := json.Marshal(o.value)
	if err != nil {
		return "?"
	}
	return string(b)
}

// Set is the DSL's Set<String>: unordered, written to JSON as a sorted array so that the
// encoding is deterministic.
type Set map[string]struct{}

// NewSet returns a set holding the given names.
func NewSet(names ...string) Set {
	s := make(Set, len(names))
	for _, n := range names {
		s[n] = struct{}{}
	}
	return s
}

// Has reports whether name is in the set. A nil set is empty.
func (s Set) Has(name string) bool {
	_, ok := s[name]
	return ok
}

// Sorted returns the members in ascending order.
func (s Set) Sorted() []string {
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Equal reports whether both sets hold the same members (nil equals empty).
func (s Set) Equal(o Set) bool {
	if len(s) != len(o) {
		return false
	}
	for k := range s {
		if !o.Has(k) {
			return false
		}
	}
	return true
}

// Clone returns an independent copy (nil stays nil).
func (s Set) Clone() Set {
	if s == nil {
		return nil
	}
	out := make(Set, len(s))
	for k := range s {
		out[k] = struct{}{}
	}
	return out
}

// String renders the set as {a, b}.
func (s Set) String() string { return "{" + strings.Join(s.Sorted(), ", ") + "}" }

// MarshalJSON writes a sorted array.
func (s Set) MarshalJSON() ([]byte, error) { return json.Marshal(s.Sorted()) }

// UnmarshalJSON reads an array of names; null reads as the empty set.
func (s *Set) UnmarshalJSON(b []byte) error {
	var names []string
	if err := json.Unmarshal(b, &names); err != nil {
		return err
	}
	if names == nil {
		*s = nil
		return nil
	}
	*s = NewSet(names...)
	return nil
}
