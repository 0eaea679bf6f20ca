// Package logbridge carries the worker's structured go-hclog logger into the Temporal
// server and the Temporal SDK, so every log line of the process (server, SDK, worker,
// plugins) comes out of one logger in one format.
//
// It owns only the adapters; it must not import the workflows, activities or plugins
// packages.
package logbridge

import (
	"fmt"
	"os"

	"github.com/hashicorp/go-hclog"
	sdklog "go.temporal.io/sdk/log"
	serverlog "go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
)

// Server adapts an hclog.Logger to the Temporal server's log.Logger.
func Server(l hclog.Logger) serverlog.Logger { return serverLogger{l} }

type serverLogger struct{ l hclog.Logger }

func pairs(tags []tag.Tag) []any {
	out := make([]any, 0, 2*len(tags))
	for _, t := range tags {
		out = append(out, t.Key(), t.Value())
	}
	return out
}

func (s serverLogger) Debug(msg string, tags ...tag.Tag)  { s.l.Debug(msg, pairs(tags)...) }
func (s serverLogger) Info(msg string, tags ...tag.Tag)   { s.l.Info(msg, pairs(tags)...) }
func (s serverLogger) Warn(msg string, tags ...tag.Tag)   { s.l.Warn(msg, pairs(tags)...) }
func (s serverLogger) Error(msg string, tags ...tag.Tag)  { s.l.Error(msg, pairs(tags)...) }
func (s serverLogger) DPanic(msg string, tags ...tag.Tag) { s.l.Error(msg, pairs(tags)...) }

// Panic logs and panics, as the server's contract requires.
func (s serverLogger) Panic(msg string, tags ...tag.Tag) {
	s.l.Error(msg, pairs(tags)...)
	panic(fmt.Sprintf("%s %v", msg, pairs(tags)))
}

// Fatal logs and exits, as the server's contract requires. Plugin processes follow the
// worker through their parent-death signal.
func (s serverLogger) Fatal(msg string, tags ...tag.Tag) {
	s.l.Error(msg, pairs(tags)...)
	os.Exit(1)
}

// With returns a logger that prepends the tags.
func (s serverLogger) With(tags ...tag.Tag) serverlog.Logger {
	return serverLogger{s.l.With(pairs(tags)...)}
}

// SDK adapts an hclog.Logger to the Temporal SDK's log.Logger.
func SDK(l hclog.Logger) sdklog.Logger { return sdkLogger{l} }

type sdkLogger struct{ l hclog.Logger }

func (s sdkLogger) Debug(msg string, kv ...any) { s.l.Debug(msg, kv...) }
func (s sdkLogger) Info(msg string, kv ...any)  { s.l.Info(msg, kv...) }
func (s sdkLogger) Warn(msg string, kv ...any)  { s.l.Warn(msg, kv...) }
func (s sdkLogger) Error(msg string, kv ...any) { s.l.Error(msg, kv...) }

// With returns a logger carrying the key/value pairs.
func (s sdkLogger) With(kv ...any) sdklog.Logger { return sdkLogger{s.l.With(kv...)} }
