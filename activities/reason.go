package activities

import (
	"errors"
	"strings"

	"go.temporal.io/sdk/temporal"
)

// ReasonCode returns the plugin reason code an activity failure carries, spelled as the
// plugin spells it (snake_case: "channel_not_found"): the inverse of [ErrorType] applied
// to the type of the first ApplicationError in err's chain. It returns "" when err holds
// no ApplicationError (an activity timeout, a cancellation) or its type is empty.
//
// Workflow code passes the code to the machine's own mappings
// (machine.CommandRejectionForHostError, machine.ChannelRequestRejectionForHostError),
// which classify "" and every code they do not name as InternalHostError. It is a pure
// function of err, so it is safe in workflow code.
func ReasonCode(err error) string {
	var app *temporal.ApplicationError
	if !errors.As(err, &app) {
		return ""
	}
	typ := app.Type()
	var b strings.Builder
	for i := 0; i < len(typ); i++ {
		c := typ[i]
		if 'A' <= c && c <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}
