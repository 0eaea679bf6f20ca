package pluginsdk_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/meerkat-temporal/meerkat/plugins/internal/pluginsdk"
	"github.com/meerkat-temporal/meerkat/plugins/plugintest"
)

const envRole = "MEERKAT_WATCHDOG_TEST_ROLE"

// TestMain lets the test binary play a short-lived parent and its child.
func TestMain(m *testing.M) {
	switch os.Getenv(envRole) {
	case "parent":
		child := exec.Command(os.Args[0])
		child.Env = append(os.Environ(), envRole+"=child")
		if err := child.Start(); err != nil {
			os.Exit(1)
		}
		fmt.Println(child.Process.Pid)
		time.Sleep(300 * time.Millisecond) // let the child's watchdog record this parent
		os.Exit(0)
	case "child":
		pluginsdk.WatchParent(context.Background(), 20*time.Millisecond, func() { os.Exit(0) })
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// The watchdog ends a plugin whose parent died even without Pdeathsig.
func TestWatchParentExitsWhenParentDies(t *testing.T) {
	parent := exec.Command(os.Args[0])
	parent.Env = append(os.Environ(), envRole+"=parent")
	out, err := parent.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	_ = parent.Wait()
	pid, perr := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || perr != nil {
		t.Fatalf("parent printed %q (%v)", line, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for plugintest.Alive(pid) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("child %d still running 5s after its parent exited", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
