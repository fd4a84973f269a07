package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ag06mixer/golive/internal/checklist"
)

// validateAPI answers POST /api/validate for editors and CI: the same
// problems `golive validate [--org]` prints, as JSON.
//
// It needs no sign-in, on purpose: an editor or a CI job has no GitHub
// session, and the answer depends on nothing but the body and the
// built-in checklist. It reads no repository, no Redis, no setting. It
// does not apply the server's probe allow-list (GOLIVE_PROBE_ALLOW),
// which would tell an anonymous caller which internal hosts the operator
// let golive probe; `golive validate` does. What bounds its cost: a body
// cap (two layers of checklist.MaxFileSize and room for JSON escaping),
// read within BodyTimeout, and at most validateConcurrency checks at once
// per replica; one more is told to come back (429, Retry-After).
//
// The body is the repo's .github/golive.yml as YAML, or, with
// Content-Type application/json, {"config": YAML, "org": YAML (optional),
// "name": file name (optional), "org_name": (optional)}.
func validateAPI(d Deps) gin.HandlerFunc {
	slots := make(chan struct{}, validateConcurrency)
	return func(c *gin.Context) {
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
		default:
			c.Header("Retry-After", "1")
			c.JSON(http.StatusTooManyRequests, gin.H{"error": "busy validating; try again"})
			return
		}
		if c.Request.ContentLength > maxValidateBody {
			c.JSON(http.StatusRequestEntityTooLarge, gin.H{"error": "body over the limit"})
			return
		}
		// A slow body holds its slot only so long (unsupported by test
		// recorders, where the error is moot).
		rc := http.NewResponseController(c.Writer)
		_ = rc.SetReadDeadline(time.Now().Add(d.BodyTimeout))
		body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxValidateBody))
		_ = rc.SetReadDeadline(time.Time{})
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				c.JSON(http.StatusRequestEntityTooLarge, gin.H{"error": "body over the limit"})
				return
			}
			c.JSON(http.StatusBadRequest, gin.H{"error": "read body"})
			return
		}
		req, err := validateRequestOf(c.GetHeader("Content-Type"), body)
		if err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
			return
		}
		var org *checklist.Layer
		if req.Org != "" {
			org = &checklist.Layer{Name: req.OrgName, Data: []byte(req.Org)}
		}
		_, orgPs, ps := checklist.CheckOrgAndRepo(org, checklist.Layer{Name: req.Name, Data: []byte(req.Config)})
		out := validateResponse{Valid: len(orgPs)+len(ps) == 0, Problems: []validateProblem{}}
		for _, p := range append(orgPs, ps...) {
			out.Problems = append(out.Problems, validateProblem{File: p.Pos.File, Line: p.Pos.Line, Col: p.Pos.Col, Message: p.Msg, Text: p.String()})
		}
		c.JSON(http.StatusOK, out)
	}
}

// validateConcurrency bounds the checks one replica runs at once: parsing
// and merging a large config takes a core for a moment, and webhooks come
// first.
const validateConcurrency = 2

// maxValidateBody fits an org and a repo layer of the largest size, JSON
// escaped.
const maxValidateBody = 4*checklist.MaxFileSize + 4096

type validateRequest struct {
	Config  string `json:"config"`
	Org     string `json:"org"`
	Name    string `json:"name"`
	OrgName string `json:"org_name"`
}

type validateProblem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
	// Text is the problem as golive validate prints it (FILE:LINE:COL: …).
	Text string `json:"text"`
}

type validateResponse struct {
	Valid    bool              `json:"valid"`
	Problems []validateProblem `json:"problems"`
}

func validateRequestOf(contentType string, body []byte) (validateRequest, error) {
	req := validateRequest{Config: string(body)}
	if mt, _, err := mime.ParseMediaType(contentType); err == nil && mt == "application/json" {
		req = validateRequest{}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			return req, errors.New("body is not a JSON object of config, org, name and org_name")
		}
		if req.Config == "" {
			return req, errors.New(`"config" is empty; want the .github/golive.yml text`)
		}
	}
	if req.Name == "" {
		req.Name = ".github/golive.yml"
	}
	if req.OrgName == "" {
		req.OrgName = "org/.github/golive.yml"
	}
	if req.Name == req.OrgName {
		return req, errors.New("name and org_name must differ")
	}
	return req, nil
}
