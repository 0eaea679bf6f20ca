package reference

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"github.com/meerkat-temporal/meerkat/machine"
)

// Backends a catalogue entry can use.
const (
	BackendEcho   = "echo"
	BackendOpenAI = "openai"
)

// Model is one catalogue entry.
type Model struct {
	Model    string                              `json:"model"`
	Provider machine.Provider                    `json:"provider"`
	Backend  string                              `json:"backend"`
	Surface  machine.SessionLlmCapabilitySurface `json:"surface"`
}

// Catalogue maps model names to entries.
type Catalogue map[string]Model

// Built-in model names.
const (
	ModelEcho     = "echo"
	ModelRealtime = "gpt-realtime"
	ModelText     = "gpt-4o-mini-text"
)

// BuiltinCatalogue returns the entries every host knows: the offline echo model, a
// realtime model that accepts image tool results and a text model that does not.
func BuiltinCatalogue() Catalogue {
	return Catalogue{
		ModelEcho: {Model: ModelEcho, Provider: machine.ProviderOther, Backend: BackendEcho,
			Surface: machine.SessionLlmCapabilitySurface{Vision: true, ImageInput: true, ImageToolResults: true}},
		ModelRealtime: {Model: ModelRealtime, Provider: machine.ProviderOpenAI, Backend: BackendOpenAI,
			Surface: machine.SessionLlmCapabilitySurface{SupportsTemperature: true, Vision: true, ImageInput: true,
				ImageToolResults: true, Realtime: true, CallTimeoutSecs: machine.Some[uint64](60)}},
		ModelText: {Model: ModelText, Provider: machine.ProviderOpenAI, Backend: BackendOpenAI,
			Surface: machine.SessionLlmCapabilitySurface{SupportsTemperature: true, CallTimeoutSecs: machine.Some[uint64](60)}},
	}
}

// LoadCatalogue reads a JSON array of [Model] entries and lays them over the built-in
// entries (same model name replaces).
func LoadCatalogue(path string) (Catalogue, error) {
	cat := BuiltinCatalogue()
	if path == "" {
		return cat, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("model catalogue: %w", err)
	}
	var entries []Model
	if err := json.Unmarshal(b, &entries); err != nil {
		return nil, fmt.Errorf("model catalogue %s: %w", path, err)
	}
	for i, e := range entries {
		if e.Model == "" || !e.Provider.Valid() {
			return nil, fmt.Errorf("model catalogue %s: entry %d needs a model name and a provider", path, i)
		}
		if e.Backend != BackendEcho && e.Backend != BackendOpenAI {
			return nil, fmt.Errorf("model catalogue %s: model %q has backend %q (allowed: %s, %s)", path, e.Model, e.Backend, BackendEcho, BackendOpenAI)
		}
		cat[e.Model] = e
	}
	return cat, nil
}

// Names returns the model names in order.
func (c Catalogue) Names() []string {
	out := make([]string, 0, len(c))
	for n := range c {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}
