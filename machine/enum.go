package machine

import (
	"fmt"
	"strconv"
)

// enumNames is implemented by the zero-size tag types that give each enumeration its
// variant names, in the order the DSL declares them. Index 0 is always the empty
// string: the zero value of every enumeration means "unset".
type enumNames interface {
	enumName() string
	variants() []string
}

// enum is the representation shared by every closed enumeration of the machine. Values
// are small integers (1 + declaration index); text forms are spelled exactly as the DSL
// spells the variant, so JSON reads like the spec.
type enum[T enumNames] uint8

// String returns the DSL spelling of e, or a diagnostic form for an out-of-range value.
func (e enum[T]) String() string {
	var t T
	names := t.variants()
	if int(e) < len(names) && e != 0 {
		return names[e]
	}
	if e == 0 {
		return ""
	}
	return t.enumName() + "(" + strconv.Itoa(int(e)) + ")"
}

// IsZero reports whether e is unset; it makes `omitzero` leave unset enums out of JSON.
func (e enum[T]) IsZero() bool { return e == 0 }

// Valid reports whether e is one of the declared variants.
func (e enum[T]) Valid() bool {
	var t T
	return e != 0 && int(e) < len(t.variants())
}

// MarshalText writes the DSL spelling; an unset value writes as "". An out-of-range value
// is an error, so a broken effect or state can never be written silently.
func (e enum[T]) MarshalText() ([]byte, error) {
	if e == 0 {
		return []byte{}, nil
	}
	if !e.Valid() {
		var t T
		return nil, fmt.Errorf("machine: %s has no variant %d", t.enumName(), uint8(e))
	}
	return []byte(e.String()), nil
}

// UnmarshalText accepts exactly the DSL spelling of a declared variant, or "" for unset
// (required enum fields of inputs are checked separately when an input is decoded).
func (e *enum[T]) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*e = 0
		return nil
	}
	var t T
	names := t.variants()
	for i := 1; i < len(names); i++ {
		if names[i] == string(b) {
			*e = enum[T](i)
			return nil
		}
	}
	return &enumError{Enum: t.enumName(), Value: string(b), Allowed: names[1:]}
}

// enumError reports a value that is not a variant of the named enumeration.
type enumError struct {
	Enum    string
	Value   string
	Allowed []string
}

func (e *enumError) Error() string {
	return fmt.Sprintf("unknown %s %q (allowed: %v)", e.Enum, e.Value, e.Allowed)
}
