package githubfake

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ag06mixer/golive/internal/loadgen"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// The fake as the sender of the App's webhooks: it signs and posts each
// delivery to the hook URL, records every attempt with the status golive
// answered (GitHub's delivery log), serves that log at
// GET /app/hook/deliveries and redelivers on
// POST /app/hook/deliveries/{id}/attempts.

// hookLog is the App's webhook and its delivery log.
type hookLog struct {
	mu       sync.Mutex
	url      string
	secret   []byte
	list     []*HookDelivery // in the order the attempts ended
	nextID   int64
	inflight sync.WaitGroup
}

// HookDelivery is one delivery attempt in the fake's log.
type HookDelivery struct {
	ID   int64
	GUID string // X-GitHub-Delivery, kept by a redelivery
	// Event and Action name what was delivered.
	Event, Action string
	At            time.Time
	// StatusCode is what the hook answered; 0 when it did not answer.
	StatusCode int
	Duration   float64
	Redelivery bool
	// Installation and Repository are the payload's ids, 0 when absent.
	Installation, Repository int64
	Payload                  []byte
}

// hookTimeout is how long GitHub waits for a hook's answer.
const hookTimeout = 10 * time.Second

// redeliverWindow is how far back GitHub redelivers.
const redeliverWindow = 72 * time.Hour

// SetHook sets the App's webhook URL and secret.
func (f *Fake) SetHook(url, secret string) {
	f.hooks.mu.Lock()
	defer f.hooks.mu.Unlock()
	f.hooks.url, f.hooks.secret = url, []byte(secret)
}

// Deliver sends a new delivery of event to the hook, as GitHub does: a
// fresh GUID, the body signed with the hook's secret. It records the
// attempt and returns its GUID and the status the hook answered (0: no
// answer).
func (f *Fake) Deliver(event string, body []byte) (guid string, status int) {
	guid = newGUID()
	return guid, f.deliver(guid, event, body, false)
}

// HookDeliveries lists every attempt, oldest first.
func (f *Fake) HookDeliveries() []HookDelivery {
	f.hooks.mu.Lock()
	defer f.hooks.mu.Unlock()
	out := make([]HookDelivery, len(f.hooks.list))
	for i, d := range f.hooks.list {
		out[i] = *d
	}
	return out
}

// WaitRedeliveries waits until every redelivery asked for has been
// answered (GitHub makes them after it answers 202).
func (f *Fake) WaitRedeliveries() { f.hooks.inflight.Wait() }

func (f *Fake) deliver(guid, event string, body []byte, redelivery bool) int {
	f.hooks.mu.Lock()
	url, secret := f.hooks.url, f.hooks.secret
	f.hooks.mu.Unlock()
	start := time.Now()
	status := 0
	ctx, cancel := context.WithTimeout(context.Background(), hookTimeout)
	defer cancel()
	req, err := loadgen.NewRequest(ctx, url, secret, loadgen.Delivery{Event: event, ID: guid, Body: body})
	if err == nil {
		req.Header.Set("User-Agent", "GitHub-Hookshot/githubfake")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			status = resp.StatusCode
		}
	}
	var p struct {
		Action       string `json:"action"`
		Installation struct {
			ID int64 `json:"id"`
		} `json:"installation"`
		Repository struct {
			ID int64 `json:"id"`
		} `json:"repository"`
	}
	json.Unmarshal(body, &p)
	f.hooks.mu.Lock()
	defer f.hooks.mu.Unlock()
	f.hooks.nextID++
	f.hooks.list = append(f.hooks.list, &HookDelivery{
		ID: 9000000 + f.hooks.nextID, GUID: guid, Event: event, Action: p.Action, At: f.Now().UTC(),
		StatusCode: status, Duration: time.Since(start).Seconds(), Redelivery: redelivery,
		Installation: p.Installation.ID, Repository: p.Repository.ID, Payload: body,
	})
	return status
}

// routeHooks serves the delivery log (called with f.mu held).
func (f *Fake) routeHooks(mux *http.ServeMux) {
	mux.HandleFunc("GET /app/hook/deliveries", f.asApp(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		per, _ := strconv.Atoi(q.Get("per_page"))
		if per <= 0 {
			per = 30
		}
		per = min(per, 100)
		below := int64(1 << 62)
		if c := q.Get("cursor"); c != "" {
			n, err := strconv.ParseInt(strings.TrimPrefix(c, "v1_"), 10, 64)
			if err != nil || !strings.HasPrefix(c, "v1_") {
				writeJSON(w, 400, map[string]string{"message": "Invalid cursor"})
				return
			}
			below = n
		}
		f.hooks.mu.Lock()
		all := append([]*HookDelivery(nil), f.hooks.list...)
		f.hooks.mu.Unlock()
		sort.Slice(all, func(i, j int) bool { return all[i].ID > all[j].ID }) // newest first
		out := []map[string]any{}
		var last int64
		more := false
		for _, d := range all {
			if d.ID >= below {
				continue
			}
			if len(out) == per {
				more = true
				break
			}
			out = append(out, hookDeliveryJSON(d))
			last = d.ID
		}
		if more {
			w.Header().Set("Link", fmt.Sprintf(`<%sapp/hook/deliveries?per_page=%d&cursor=v1_%d>; rel="next"`, f.URL(), per, last))
		}
		writeJSON(w, 200, out)
	}))
	mux.HandleFunc("POST /app/hook/deliveries/{id}/attempts", f.asApp(func(w http.ResponseWriter, r *http.Request) {
		id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
		f.hooks.mu.Lock()
		var d *HookDelivery
		for _, x := range f.hooks.list {
			if x.ID == id {
				d = x
			}
		}
		f.hooks.mu.Unlock()
		switch {
		case d == nil:
			writeJSON(w, 404, map[string]string{"message": "Not Found"})
			return
		case d.At.Before(f.Now().Add(-redeliverWindow)):
			writeJSON(w, 422, map[string]any{"message": "Validation Failed", "errors": []map[string]string{{"message": "Delivery is too old to redeliver", "code": "custom"}}})
			return
		}
		guid, event, body := d.GUID, d.Event, d.Payload
		f.hooks.inflight.Add(1)
		go func() {
			defer f.hooks.inflight.Done()
			f.deliver(guid, event, body, true)
		}()
		writeJSON(w, 202, map[string]any{})
	}))
}

// asApp admits the App's JWT (or, for the tokenless demo and tests, no
// credentials); an installation token gets GitHub's 401, as these
// endpoints take only the JWT.
func (f *Fake) asApp(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		if strings.HasPrefix(auth, "token ") || strings.HasPrefix(auth, "Bearer ghs_") || strings.HasPrefix(auth, "Bearer gho_") {
			writeJSON(w, 401, map[string]string{"message": "A JSON web token could not be decoded"})
			return
		}
		h(w, r)
	}
}

func hookDeliveryJSON(d *HookDelivery) map[string]any {
	status := "OK"
	switch {
	case d.StatusCode == 0:
		status = "timed out"
	case d.StatusCode < 200 || d.StatusCode > 299:
		status = "Invalid HTTP Response: " + strconv.Itoa(d.StatusCode)
	}
	var action, inst, repo any
	if d.Action != "" {
		action = d.Action
	}
	if d.Installation != 0 {
		inst = d.Installation
	}
	if d.Repository != 0 {
		repo = d.Repository
	}
	return map[string]any{"id": d.ID, "guid": d.GUID, "delivered_at": d.At.Format(time.RFC3339),
		"redelivery": d.Redelivery, "duration": d.Duration, "status": status, "status_code": d.StatusCode,
		"event": d.Event, "action": action, "installation_id": inst, "repository_id": repo, "throttled_at": nil}
}

// newGUID is a random version-4 UUID, as X-GitHub-Delivery carries.
func newGUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// CheckResponse checks an answer against the response schema GitHub's
// description gives the request's operation, so a test can hold the
// fake's shapes to GitHub's.
func (s *Spec) CheckResponse(r *http.Request, status int, header http.Header, body []byte) error {
	route, params, err := s.router.FindRoute(r)
	if err != nil {
		return fmt.Errorf("%s %s is not in GitHub's REST API: %v", r.Method, r.URL.Path, err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
		Status: status, Header: header, Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("%s %s answer breaks GitHub's schema: %v", r.Method, route.Path, err)
	}
	return nil
}
