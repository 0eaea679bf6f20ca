package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/meerkat-temporal/meerkat/workflows"
	"io"
	"os"
)

// Config is everything the worker can be told, from flags or a JSON config file (flags
// win). Secrets are never part of it: API keys come from the environment only.
type Config struct {
	// DataDir holds the embedded server's database, the plugins' state and their sockets.
	DataDir string `json:"data_dir"`
	// Host is the interface the embedded server and the Web UI bind to.
	Host string `json:"host"`
	// FrontendPort is the embedded server's gRPC port (its HTTP API uses FrontendPort+10).
	FrontendPort int `json:"frontend_port"`
	// UIPort is the Web UI's port; -1 disables the UI.
	UIPort int `json:"ui_port"`
	// Namespace the sessions live in.
	Namespace string `json:"namespace"`
	// TaskQueue the worker polls.
	TaskQueue string `json:"task_queue"`

	// TemporalAddress, when set, connects to an existing cluster instead of starting the
	// embedded server.
	TemporalAddress string    `json:"temporal_address"`
	TLS             TLSConfig `json:"tls"`

	// PluginManifest is a JSON file naming external plugin binaries by kind ("llmhost",
	// "live"): {"live": {"path": "...", "sha256": "...", "version": "..."}}. Kinds it
	// does not name use the built-in plugins. On SIGHUP the worker re-reads it and
	// hot-swaps the kinds whose entry changed.
	PluginManifest string `json:"plugin_manifest"`
	// ModelCatalogue is a JSON file of models for the built-in LLM host plugin.
	ModelCatalogue string `json:"model_catalogue"`

	LogLevel string `json:"log_level"`
	LogJSON  bool   `json:"log_json"`
}

// TLSConfig configures TLS towards an existing cluster.
type TLSConfig struct {
	CertFile   string `json:"cert_file"`
	KeyFile    string `json:"key_file"`
	CAFile     string `json:"ca_file"`
	ServerName string `json:"server_name"`
}

// Enabled reports whether any TLS option is set.
func (t TLSConfig) Enabled() bool {
	return t.CertFile != "" || t.KeyFile != "" || t.CAFile != "" || t.ServerName != ""
}

// PluginKinds are the plugin kinds the worker runs.
var PluginKinds = []string{"llmhost", "live"}

func defaultConfig() Config {
	return Config{
		DataDir:      "meerkat-data",
		Host:         "127.0.0.1",
		FrontendPort: 7233,
		UIPort:       8233,
		Namespace:    "default",
		TaskQueue:    workflows.TaskQueue,
		LogLevel:     "info",
	}
}

// parseConfig reads flags (and the config file a flag names) into a validated Config.
func parseConfig(args []string, stderr io.Writer) (Config, error) {
	cfg := defaultConfig()
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configFile := fs.String("config", "", "JSON config file (keys as in the README's configuration reference); flags override it")
	dataDir := fs.String("data-dir", "", "data directory of the embedded server and the plugins (default "+cfg.DataDir+")")
	host := fs.String("host", "", "interface for the embedded server and the Web UI (default "+cfg.Host+")")
	frontendPort := fs.Int("frontend-port", 0, "gRPC port of the embedded server (default 7233)")
	uiPort := fs.Int("ui-port", 0, "port of the Web UI; -1 disables it (default 8233)")
	namespace := fs.String("namespace", "", "Temporal namespace (default "+cfg.Namespace+")")
	taskQueue := fs.String("task-queue", "", "task queue the worker polls (default "+cfg.TaskQueue+")")
	address := fs.String("temporal-address", "", "host:port of an existing Temporal cluster; starts no embedded server")
	tlsCert := fs.String("tls-cert", "", "client certificate for --temporal-address")
	tlsKey := fs.String("tls-key", "", "client key for --temporal-address")
	tlsCA := fs.String("tls-ca", "", "CA bundle that signs the cluster's certificate")
	tlsName := fs.String("tls-server-name", "", "server name to verify on the cluster's certificate")
	manifest := fs.String("plugins", "", "JSON manifest of external plugin binaries by kind (re-read on SIGHUP to hot-swap)")
	models := fs.String("models", "", "JSON model catalogue for the built-in LLM host plugin")
	logLevel := fs.String("log-level", "", "trace, debug, info, warn or error (default info)")
	logJSON := fs.Bool("log-json", false, "write logs as JSON lines")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q (all options are flags; see -h)", fs.Arg(0))
	}
	if *configFile != "" {
		if err := loadConfigFile(*configFile, &cfg); err != nil {
			return Config{}, err
		}
	}
	setString(&cfg.DataDir, *dataDir)
	setString(&cfg.Host, *host)
	setString(&cfg.Namespace, *namespace)
	setString(&cfg.TaskQueue, *taskQueue)
	setString(&cfg.TemporalAddress, *address)
	setString(&cfg.TLS.CertFile, *tlsCert)
	setString(&cfg.TLS.KeyFile, *tlsKey)
	setString(&cfg.TLS.CAFile, *tlsCA)
	setString(&cfg.TLS.ServerName, *tlsName)
	setString(&cfg.ModelCatalogue, *models)
	setString(&cfg.LogLevel, *logLevel)
	if *frontendPort != 0 {
		cfg.FrontendPort = *frontendPort
	}
	if *uiPort != 0 {
		cfg.UIPort = *uiPort
	}
	if *logJSON {
		cfg.LogJSON = true
	}
	setString(&cfg.PluginManifest, *manifest)
	if err := cfg.validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

func setString(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

func loadConfigFile(path string, cfg *Config) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(cfg); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	return nil
}

var logLevels = map[string]bool{"trace": true, "debug": true, "info": true, "warn": true, "error": true}

// validate names every problem at once.
func (c Config) validate() error {
	var errs []error
	if c.TemporalAddress == "" && c.DataDir == "" {
		errs = append(errs, errors.New("data_dir: required for the embedded server"))
	}
	if c.FrontendPort < 1 || c.FrontendPort > 65525 {
		errs = append(errs, fmt.Errorf("frontend_port: %d is not in 1..65525 (its HTTP API uses port+10)", c.FrontendPort))
	}
	if c.UIPort != -1 && (c.UIPort < 1 || c.UIPort > 65535) {
		errs = append(errs, fmt.Errorf("ui_port: %d is not a port (use -1 to disable the UI)", c.UIPort))
	}
	if c.UIPort == c.FrontendPort || c.UIPort == c.FrontendPort+10 {
		errs = append(errs, fmt.Errorf("ui_port: %d collides with the frontend ports %d and %d", c.UIPort, c.FrontendPort, c.FrontendPort+10))
	}
	if c.Namespace == "" || c.TaskQueue == "" {
		errs = append(errs, errors.New("namespace and task_queue must not be empty"))
	}
	if c.TLS.Enabled() && c.TemporalAddress == "" {
		errs = append(errs, errors.New("tls: TLS options apply only with --temporal-address"))
	}
	if (c.TLS.CertFile == "") != (c.TLS.KeyFile == "") {
		errs = append(errs, errors.New("tls: give both --tls-cert and --tls-key, or neither"))
	}
	if !logLevels[c.LogLevel] {
		errs = append(errs, fmt.Errorf("log_level: %q is not one of trace, debug, info, warn, error", c.LogLevel))
	}
	return errors.Join(errs...)
}
