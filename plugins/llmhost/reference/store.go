package reference

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/meerkat-temporal/meerkat/machine"
)

// sessionRecord is what the store keeps per session.
type sessionRecord struct {
	Identity   machine.SessionLlmIdentity          `json:"identity"`
	Visibility *machine.SessionToolVisibilityState `json:"visibility_state"`
}

// store persists session records as one file per session under dir, written
// atomically (temp file, fsync, rename, fsync of the directory).
type store struct{ dir string }

func (s store) path(sessionID string) string {
	return filepath.Join(s.dir, base64.RawURLEncoding.EncodeToString([]byte(sessionID))+".json")
}

func (s store) load(sessionID string) (*sessionRecord, error) {
	b, err := os.ReadFile(s.path(sessionID))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading session %q state: %w", sessionID, err)
	}
	var rec sessionRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, fmt.Errorf("session %q state file %s is corrupt: %w", sessionID, s.path(sessionID), err)
	}
	return &rec, nil
}

func (s store) save(sessionID string, rec *sessionRecord) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), s.path(sessionID)); err != nil {
		return err
	}
	return syncDir(s.dir)
}

func (s store) remove(sessionID string) error {
	err := os.Remove(s.path(sessionID))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return syncDir(s.dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
