package reference

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/meerkat-temporal/meerkat/machine"
	"github.com/meerkat-temporal/meerkat/plugins/llmhost"
	"github.com/meerkat-temporal/meerkat/plugins/pluginerr"
)

// Tool names offered by the reference host.
const (
	ToolViewImage   = machine.ViewImageToolName
	ToolCurrentTime = "current_time"
)

// maxImageBytes bounds what view_image returns.
const maxImageBytes = 16 << 20

// baseToolNames are the tools every session is offered before visibility filtering.
var baseToolNames = []string{ToolCurrentTime, ToolViewImage}

// toolSchemas are the JSON schemas advertised to OpenAI-compatible models.
var toolSchemas = map[string]struct {
	Description string
	Parameters  string
}{
	ToolViewImage:   {"Show an image file from the session workspace.", `{"type":"object","properties":{"path":{"type":"string","description":"path relative to the workspace"}},"required":["path"]}`},
	ToolCurrentTime: {"Return the current UTC time in RFC 3339 format.", `{"type":"object","properties":{}}`},
}

func workspaceDir(root, sessionID string) string {
	return filepath.Join(root, base64.RawURLEncoding.EncodeToString([]byte(sessionID)))
}

// viewImage reads path inside the session workspace. os.Root refuses paths (and
// symlinks) that escape the workspace.
func viewImage(workspace, argsJSON string) (*llmhost.ExecuteToolCallResponse, error) {
	var args struct {
		Path string `json:"path"`
	}
	if err := json.Unmarshal([]byte(argsJSON), &args); err != nil || args.Path == "" {
		return toolError(`view_image needs arguments {"path": "<file in the workspace>"}`), nil
	}
	root, err := os.OpenRoot(workspace)
	if err != nil {
		return toolError("the session has no workspace directory"), nil
	}
	defer root.Close()
	f, err := root.Open(filepath.Clean(args.Path))
	if err != nil {
		if strings.Contains(err.Error(), "escapes") || strings.Contains(err.Error(), "outside") {
			return toolError("path " + args.Path + " is outside the session workspace"), nil
		}
		if errors.Is(err, os.ErrNotExist) {
			return toolError("no file " + args.Path + " in the session workspace"), nil
		}
		return toolError("cannot open " + args.Path + ": " + err.Error()), nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxImageBytes+1))
	if err != nil {
		return toolError("cannot read " + args.Path + ": " + err.Error()), nil
	}
	if len(data) > maxImageBytes {
		return toolError(args.Path + " is larger than 16 MiB"), nil
	}
	mediaType := http.DetectContentType(data)
	if !strings.HasPrefix(mediaType, "image/") {
		return toolError(args.Path + " is not an image (" + mediaType + ")"), nil
	}
	return &llmhost.ExecuteToolCallResponse{Content: []llmhost.ContentPart{{Image: &llmhost.Image{MediaType: mediaType, Data: data}}}}, nil
}

func currentTime(now func() time.Time) *llmhost.ExecuteToolCallResponse {
	return &llmhost.ExecuteToolCallResponse{Content: []llmhost.ContentPart{{Text: now().UTC().Format(time.RFC3339)}}}
}

func toolError(msg string) *llmhost.ExecuteToolCallResponse {
	return &llmhost.ExecuteToolCallResponse{Content: []llmhost.ContentPart{{Text: msg}}, IsError: true}
}

func unknownTool(name string) error {
	return pluginerr.New(llmhost.ToolNotFound, "no tool %q (this host offers %s)", name, strings.Join(baseToolNames, ", "))
}
