package workflows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

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

// decodeStrict decodes a raw JSON payload into v as strictly as the catalogue decodes
// inputs: JSON only, at most machine.MaxInputBytes, no unknown fields, nothing trailing.
// name names the operation in the error.
func decodeStrict(name string, raw converter.RawValue, v any) error {
	invalid := func(reason string) error {
		return &Error{Kind: machine.KindValidationFailed.String(), Input: name, Reason: reason}
	}
	p := raw.Payload()
	if p == nil || string(p.GetMetadata()[converter.MetadataEncoding]) != converter.MetadataEncodingJSON {
		return invalid("send the request as a JSON object (encoding json/plain)")
	}
	data := p.GetData()
	if len(data) > machine.MaxInputBytes {
		return invalid(fmt.Sprintf("payload is %d bytes; the limit is %d", len(data), machine.MaxInputBytes))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return invalid(strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return invalid("unexpected data after the JSON object")
	}
	return nil
}
