package devserver

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// freePort returns a port p such that p and p+10 are free (the frontend serves HTTP on
// p+10).
func freePort(t *testing.T) int {
	t.Helper()
	for i := 0; i < 50; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if p+10 > 65535 {
			continue
		}
		if l2, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p+10))); err == nil {
			l2.Close()
			return p
		}
	}
	t.Fatal("no free port pair")
	return 0
}

var testAttributes = map[string]enumspb.IndexedValueType{
	"MeerkatTestPhase": enumspb.INDEXED_VALUE_TYPE_KEYWORD,
	"MeerkatTestCount": enumspb.INDEXED_VALUE_TYPE_INT,
}

// One embedded server on a data directory: it starts with the UI, registers the
// namespace with seven days of retention and the search attributes, survives a restart on
// the same directory, and refuses a directory written by another server version and a
// port that is taken.
func TestEmbeddedServerLifecycle(t *testing.T) {
	dir := t.TempDir()
	opts := Options{DataDir: dir, FrontendPort: freePort(t), UIPort: freePort(t), SearchAttributes: testAttributes}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	s, err := Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.Dial(client.Options{HostPort: s.FrontendAddress})
	if err != nil {
		t.Fatal(err)
	}
	ns, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ns.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration(); got < MinRetention {
		t.Fatalf("retention %s", got)
	}
	resp, err := http.Get(s.UIURL + "/")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("web UI: %v %v", resp, err)
	}
	resp.Body.Close()
	c.Close()

	// A port in use is reported before anything starts.
	if _, err := Start(ctx, opts); !errors.Is(err, ErrPortInUse) {
		t.Fatalf("second server on the same ports: %v", err)
	}
	s.Stop()

	if v, err := os.ReadFile(filepath.Join(dir, VersionFile)); err != nil || len(v) == 0 {
		t.Fatalf("version file: %q %v", v, err)
	}
	s, err = Start(ctx, opts)
	if err != nil {
		t.Fatalf("restart on the same data directory: %v", err)
	}
	s.Stop()

	if err := os.WriteFile(filepath.Join(dir, VersionFile), []byte("0.0.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Start(ctx, opts)
	if !errors.Is(err, ErrVersionMismatch) || !strings.Contains(err.Error(), "0.0.1") {
		t.Fatalf("version mismatch: %v", err)
	}
}
