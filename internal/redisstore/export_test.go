package redisstore

import "time"

// SetClock sets the clock of the lock line's heartbeats, for tests.
func SetClock(s *Store, now func() time.Time) { s.now = now }
