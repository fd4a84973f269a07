// Package trackertest holds in-memory fakes of the tracker's ports, for
// tests that drive the tracker in milliseconds: no Redis, no HTTP, no
// sleeps. Their maps are the state a test sets up and reads back; an
// Err field, when set, is what the matching call returns.
package trackertest

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ag06mixer/golive/internal/queue"
	"github.com/ag06mixer/golive/internal/tracker"
)

var _ tracker.Store = (*Store)(nil)

// Store is an in-memory tracker.Store. Lock the zero value's maps with
// Do when reading them while a tracker runs.
type Store struct {
	mu sync.Mutex
	// States are the saved records by release; Open says which are open.
	States map[string][]byte
	Open   map[string]bool
	// Holders are the lock holders by release; Asked logs every Acquire,
	// in order (the fake keeps no line: the first to ask a free lock
	// takes it).
	Holders map[string]string
	Asked   []LockAsk
	// Commits and Refs index releases by "owner/repo sha|ref".
	Commits, Refs map[string][]string
	// CommitCalls counts the calls of Commit, CommitMarks those that
	// carried a sync mark, CommitUnlocks those that released the lock;
	// IndexWrites the commit and ref index entries written by any call;
	// ReleaseCalls the calls of Release.
	CommitCalls, CommitMarks, CommitUnlocks, IndexWrites, ReleaseCalls int
	// Dirty are the sync marks by release: generation and due time.
	Dirty map[string]Mark
	// Values is the cache; Leases the names leased.
	Values map[string][]byte
	// TTLs is the time to live each cache value was set with (none kept
	// by the fake: a test reads it).
	TTLs   map[string]time.Duration
	Leases map[string]bool
	// Enqueued and Scheduled are the deliveries the tracker queued.
	Enqueued  []queue.Delivery
	Scheduled []Scheduled
	// Ahead is what Outstanding answers.
	Ahead []queue.Delivery

	// Unsure are the releases a refused save marked unsure (redisstore's
	// saveScript).
	Unsure map[string]bool
	// LoadCalls counts the calls of LoadState (not the reads AcquireState
	// makes with the lock).
	LoadCalls int

	// SaveErr, LoadErr and AcquireErr fail those calls when set (LoadErr
	// leaves AcquireState's read undone, as a failed read in redisstore's
	// script does).
	SaveErr, LoadErr, AcquireErr error
}

// LockAsk is one call of Acquire: who asked for which release's lock,
// at which place in its line.
type LockAsk struct {
	Release, Token string
	Place          queue.Place
}

// Mark is a release's sync mark.
type Mark struct {
	Gen int64
	Due time.Time
	// MaxWait is the coalescing cap the last mark asked for; as Redis's
	// mark does, Due never passes First + MaxWait.
	MaxWait time.Duration
	// First is when the release was first marked since its last sync.
	First time.Time
}

// Scheduled is a delivery queued to be read at Due.
type Scheduled struct {
	queue.Delivery
	Due time.Time
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{States: map[string][]byte{}, Open: map[string]bool{}, Holders: map[string]string{},
		Commits: map[string][]string{}, Refs: map[string][]string{}, Dirty: map[string]Mark{},
		Values: map[string][]byte{}, Leases: map[string]bool{}}
}

// Do runs fn holding the store's lock.
func (s *Store) Do(fn func(s *Store)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s)
}

func (s *Store) LoadState(_ context.Context, rel string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.LoadCalls++
	if s.LoadErr != nil {
		return nil, s.LoadErr
	}
	return slices.Clone(s.States[rel]), nil
}

func (s *Store) SaveState(_ context.Context, rel string, state []byte, open bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.SaveErr != nil {
		return s.SaveErr
	}
	s.States[rel], s.Open[rel] = slices.Clone(state), open
	return nil
}

// Commit is redisstore's one-round-trip commit, as its own calls would
// make it: the index entries named, the mark, the record (fenced by the
// lock when the commit names its token), the unlock.
func (s *Store) Commit(ctx context.Context, c queue.Commit) (queue.Dirty, time.Time, error) {
	s.mu.Lock()
	s.CommitCalls++
	if c.Mark {
		s.CommitMarks++
	}
	err := s.SaveErr
	s.mu.Unlock()
	if err != nil {
		return queue.Dirty{}, time.Time{}, err
	}
	for _, sha := range c.SHAs {
		s.IndexCommit(ctx, c.Repo, sha, c.Release)
	}
	for _, ref := range c.Refs {
		s.IndexRef(ctx, c.Repo, ref, c.Release)
	}
	s.mu.Lock()
	if c.WriteOpen {
		s.Open[c.Release] = c.Open
	}
	s.mu.Unlock()
	var d queue.Dirty
	var due time.Time
	if c.Mark {
		if d, due, err = s.MarkDirty(ctx, c.Release, c.Now, c.Window, c.MaxWait, c.Since); err != nil {
			return d, due, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.Token != "" && s.Holders[c.Release] != c.Token {
		if s.Unsure == nil {
			s.Unsure = map[string]bool{}
		}
		s.Unsure[c.Release] = true
		return d, due, queue.ErrLockLost // fenced: the record is the next holder's
	}
	s.States[c.Release] = slices.Clone(c.State)
	if c.ClearUnsure {
		delete(s.Unsure, c.Release)
	}
	if c.Unlock {
		s.CommitUnlocks++
		delete(s.Holders, c.Release)
	}
	return d, due, nil
}

func (s *Store) Releases(context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for r, open := range s.Open {
		if open {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return out, nil
}

func (s *Store) Acquire(_ context.Context, rel, token string, _ time.Duration, p queue.Place, take bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Asked = append(s.Asked, LockAsk{Release: rel, Token: token, Place: p})
	if s.AcquireErr != nil {
		return s.AcquireErr
	}
	if h, held := s.Holders[rel]; (held && h != token) || !take {
		return queue.ErrLockHeld
	}
	s.Holders[rel] = token
	return nil
}

// AcquireState is Acquire, then, the lock taken, the release's record
// read (redisstore's one round trip).
func (s *Store) AcquireState(ctx context.Context, rel, token string, ttl time.Duration, p queue.Place, take bool) (queue.Taken, error) {
	if err := s.Acquire(ctx, rel, token, ttl, p, take); err != nil {
		return queue.Taken{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.LoadErr != nil {
		return queue.Taken{}, nil
	}
	return queue.Taken{State: slices.Clone(s.States[rel]), Loaded: true, Unsure: s.Unsure[rel]}, nil
}

func (s *Store) Leave(context.Context, string, string, queue.Place) error { return nil }

func (s *Store) Extend(_ context.Context, rel, token string, _ time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Holders[rel] != token {
		return queue.ErrLockLost
	}
	return nil
}

func (s *Store) Release(_ context.Context, rel, token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ReleaseCalls++
	if s.Holders[rel] != token {
		return queue.ErrLockLost
	}
	delete(s.Holders, rel)
	return nil
}

func (s *Store) IndexCommit(_ context.Context, repo, sha, rel string) error {
	return s.index(s.Commits, repo+" "+sha, rel)
}

func (s *Store) IndexRef(_ context.Context, repo, ref, rel string) error {
	return s.index(s.Refs, repo+" "+ref, rel)
}

func (s *Store) index(m map[string][]string, key, rel string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.IndexWrites++
	if !slices.Contains(m[key], rel) {
		m[key] = append(m[key], rel)
	}
	return nil
}

func (s *Store) ByCommit(_ context.Context, repo, sha string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.Commits[repo+" "+sha]), nil
}

func (s *Store) ByRef(_ context.Context, repo, ref string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.Refs[repo+" "+ref]), nil
}

func (s *Store) MarkDirty(_ context.Context, rel string, now time.Time, window, maxWait time.Duration, since time.Time) (queue.Dirty, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.Dirty[rel]
	if !ok {
		m.First = now
		if !since.IsZero() && since.Before(now) {
			m.First = since
		}
	}
	m.Gen++
	m.Due, m.MaxWait = now.Add(window), maxWait
	if capped := m.First.Add(maxWait); maxWait > 0 && capped.Before(m.Due) {
		m.Due = capped
	}
	s.Dirty[rel] = m
	return queue.Dirty{Release: rel, Gen: m.Gen}, m.Due, nil
}

func (s *Store) DueDirty(_ context.Context, now time.Time, n int) ([]queue.Dirty, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Earliest due first, as Redis's sorted set gives them.
	var rels []string
	for rel, m := range s.Dirty {
		if !m.Due.After(now) {
			rels = append(rels, rel)
		}
	}
	slices.SortFunc(rels, func(a, b string) int {
		if c := s.Dirty[a].Due.Compare(s.Dirty[b].Due); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	var out []queue.Dirty
	for _, rel := range rels[:min(n, len(rels))] {
		out = append(out, queue.Dirty{Release: rel, Gen: s.Dirty[rel].Gen})
	}
	return out, nil
}

func (s *Store) ClearDirty(_ context.Context, d queue.Dirty) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.Dirty[d.Release]; ok && m.Gen == d.Gen {
		delete(s.Dirty, d.Release)
		return true, nil
	}
	return false, nil
}

func (s *Store) CacheGet(_ context.Context, key string) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.Values[key]
	return slices.Clone(v), ok, nil
}

func (s *Store) CacheSet(_ context.Context, key string, val []byte, ttl time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Values[key] = slices.Clone(val)
	if s.TTLs == nil {
		s.TTLs = map[string]time.Duration{}
	}
	s.TTLs[key] = ttl
	return nil
}

func (s *Store) Lease(_ context.Context, name string, _ time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Leases[name] {
		return false, nil
	}
	s.Leases[name] = true
	return true, nil
}

func (s *Store) Enqueue(_ context.Context, d queue.Delivery) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if slices.ContainsFunc(s.Enqueued, func(e queue.Delivery) bool { return e.ID == d.ID }) {
		return true, nil
	}
	s.Enqueued = append(s.Enqueued, d)
	return false, nil
}

func (s *Store) Schedule(_ context.Context, d queue.Delivery, due time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Scheduled = append(s.Scheduled, Scheduled{Delivery: d, Due: due})
	return nil
}

func (s *Store) Outstanding(context.Context, string, int) ([]queue.Delivery, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.Ahead), false, nil
}
