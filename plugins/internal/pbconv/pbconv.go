// Package pbconv holds the conversions every plugin protocol shares between the machine's
// Go types and protobuf messages: enums as their DSL spelling, optional values as
// pointers. It must not import a plugin kind's package or its generated code.
package pbconv

import (
	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/internal/pluginsdk"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

// EnumText is an enumeration's DSL spelling, or "" when it has none.
func EnumText[E interface{ MarshalText() ([]byte, error) }](e E) string {
	b, err := e.MarshalText()
	if err != nil {
		return ""
	}
	return string(b)
}

// ParseEnum reads a DSL spelling; "" is the unset value. A bad value is an
// invalid_request error naming the field.
func ParseEnum[E any, P interface {
	*E
	UnmarshalText([]byte) error
}](field, s string) (E, error) {
	var e E
	if s == "" {
		return e, nil
	}
	if err := P(&e).UnmarshalText([]byte(s)); err != nil {
		return e, pluginerr.New(pluginerr.InvalidRequest, "%s: %v", field, err)
	}
	return e, nil
}

// OptPtr is a present value as a pointer, nil when absent.
func OptPtr[T comparable](o machine.Opt[T]) *T {
	if v, ok := o.Lookup(); ok {
		return &v
	}
	return nil
}

// PtrOpt is the inverse of OptPtr.
func PtrOpt[T comparable](p *T) machine.Opt[T] {
	if p == nil {
		return machine.None[T]()
	}
	return machine.Some(*p)
}

// Info reads the Describe response of any protocol.
func Info(r interface {
	GetName() string
	GetVersion() string
	GetApiVersions() []uint32
	GetCapabilities() []string
}) *pluginsdk.Info {
	return &pluginsdk.Info{Name: r.GetName(), Version: r.GetVersion(), APIVersions: r.GetApiVersions(), Capabilities: r.GetCapabilities()}
}
