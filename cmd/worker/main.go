// Command worker runs the Meerkat session runtime: with no flags, an embedded Temporal
// server on a SQLite file, the Temporal Web UI, the built-in plugins and the worker that
// runs every session workflow. With --temporal-address it joins an existing cluster.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		os.Exit(1)
	}
}

// run is the whole program; main only maps its error to an exit code.
func run(args []string, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(args, stderr)
	if err != nil {
		return err
	}
	_ = cfg
	return fmt.Errorf("worker: not wired yet")
}
