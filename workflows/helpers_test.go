package workflows_test

import (
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
)

// rawPayload builds a payload exactly as it would arrive on the wire, bypassing the
// converter, so tests can send what a careless caller sends.
func rawPayload(encoding, data string) converter.RawValue {
	return converter.NewRawValue(&commonpb.Payload{
		Metadata: map[string][]byte{converter.MetadataEncoding: []byte(encoding)},
		Data:     []byte(data),
	})
}

// rawJSON is a JSON payload as the temporal CLI sends it (encoding json/plain).
func rawJSON(data string) converter.RawValue { return rawPayload(converter.MetadataEncodingJSON, data) }
