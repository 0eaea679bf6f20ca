// Package plugintest helps tests run real plugin subprocesses without a build step: the
// test binary re-executes itself as the plugin (go-plugin's helper-process pattern), so
// its TestMain serves a plugin when an environment variable says so.
//
// It is for tests only; it imports nothing of the protocols, so any package's tests may
// use it.
package plugintest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/meerkat-temporal/meerkat/plugins/internal/supervisor"
)

// VersionArg is the argument prefix [SelfBinary] passes the plugin version with; the
// serving side reads it with [VersionFromArgs].
const VersionArg = "plugin-version="

// SelfBinary describes the running (test) executable as a plugin binary of the given
// version, with its SHA-256, so a Manager can supervise it. The plugin learns its
// version from its arguments ([VersionFromArgs]).
func SelfBinary(version string) (supervisor.Binary, error) {
	exe, err := os.Executable()
	if err != nil {
		return supervisor.Binary{}, err
	}
	sum, err := SHA256File(exe)
	if err != nil {
		return supervisor.Binary{}, err
	}
	return supervisor.Binary{Path: exe, SHA256: sum, Version: version, Args: []string{VersionArg + version}}, nil
}

// VersionFromArgs returns the version [SelfBinary] passed in args, or "".
func VersionFromArgs(args []string) string {
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, VersionArg); ok {
			return v
		}
	}
	return ""
}

// SHA256File returns the hex SHA-256 of the file at path.
func SHA256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Alive reports whether pid is a running process (not a zombie); Linux only.
func Alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || (s[i+2] != 'Z' && s[i+2] != 'X')
}
