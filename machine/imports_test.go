package machine

import (
	"go/build"
	"os"
	"strings"
	"testing"
)

// The machine stays pure: no Temporal, gRPC, operating system, network or randomness.
func TestImportsStayPure(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	forbidden := []string{"go.temporal.io", "google.golang.org/grpc", "os", "os/exec", "net", "net/http", "math/rand", "math/rand/v2", "crypto/rand", "syscall", "io/fs"}
	for _, name := range pkg.GoFiles {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, call := range []string{"time.Now(", "time.Since(", "time.Sleep("} {
			if strings.Contains(string(src), call) {
				t.Errorf("%s reads the clock with %s", name, call)
			}
		}
	}
	for _, imp := range pkg.Imports {
		for _, f := range forbidden {
			if imp == f || strings.HasPrefix(imp, f+"/") {
				t.Errorf("machine imports %s", imp)
			}
		}
	}
}
