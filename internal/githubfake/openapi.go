package githubfake

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Spec is GitHub's OpenAPI description, loaded once, that every request to
// the fake is checked against.
type Spec struct {
	router routers.Router
}

var (
	specOnce sync.Once
	spec     *Spec
	specErr  error
)

// LoadSpec reads a gzipped OpenAPI description (testdata/openapi/
// api.github.com.json.gz). It loads once per process: kin-openapi takes
// seconds over GitHub's 13 MB description.
func LoadSpec(path string) (*Spec, error) {
	specOnce.Do(func() { spec, specErr = loadSpec(path) })
	return spec, specErr
}

func loadSpec(path string) (*Spec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load OpenAPI description: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("load OpenAPI description: %w", err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("load OpenAPI description: %w", err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("parse OpenAPI description: %w", err)
	}
	// Match requests by path alone, whatever host the fake listens on.
	doc.Servers = openapi3.Servers{{URL: "/"}}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route OpenAPI description: %w", err)
	}
	return &Spec{router: r}, nil
}

// Check returns the route template of a request GitHub defines, or an
// error naming what GitHub would not accept: an unknown method and path,
// or a body that breaks the operation's schema.
func (s *Spec) Check(r *http.Request, body []byte) (string, error) {
	route, params, err := s.router.FindRoute(r)
	if err != nil && strings.Contains(r.URL.Path, "/contents/") {
		// GitHub's {path} takes slashes (".github/golive.yml"), which the
		// router's path parameters do not: match with them escaped.
		head, rest, _ := strings.Cut(r.URL.Path, "/contents/")
		alt := r.Clone(context.Background())
		alt.URL.RawPath = head + "/contents/" + strings.ReplaceAll(rest, "/", "%2F")
		alt.URL.Path = head + "/contents/" + rest
		route, params, err = s.router.FindRoute(alt)
	}
	if err != nil {
		return "", fmt.Errorf("%s %s is not in GitHub's REST API: %v", r.Method, r.URL.Path, err)
	}
	clone := r.Clone(context.Background())
	clone.Body = io.NopCloser(bytes.NewReader(body))
	in := &openapi3filter.RequestValidationInput{
		Request: clone, PathParams: params, Route: route,
		Options: &openapi3filter.Options{
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			// Query and header checks are too strict for GitHub's own
			// description (it marks many enum headers loosely); the method,
			// path and body are what golive must get right.
			ExcludeRequestQueryParams: false,
			MultiError:                true,
		},
	}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return route.Path, fmt.Errorf("%s %s breaks GitHub's schema: %v", r.Method, route.Path, err)
	}
	return route.Path, nil
}
