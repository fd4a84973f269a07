package probe

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/ag06mixer/golive/internal/checklist"
)

// readCA reads a bundle by name from the operator's CA directory: a plain
// name, a regular file inside the directory (os.Root refuses symlinks that
// leave it), opened without blocking (a FIFO) and read up to MaxCABytes.
func (r *Runner) readCA(name string) ([]byte, error) {
	if r.CADir == "" {
		return nil, errors.New("the server allows no CA bundles by name (GOLIVE_PROBE_CA_DIR is unset)")
	}
	if len(name) > 128 || !checklist.CANamePattern.MatchString(name) {
		return nil, fmt.Errorf("%w: %q is not a plain file name", ErrRefused, name)
	}
	root, err := os.OpenRoot(r.CADir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	if fi, err := root.Lstat(name); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: not a regular file", ErrRefused)
	}
	f, err := root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: not a regular file", ErrRefused)
	}
	b, err := io.ReadAll(io.LimitReader(f, checklist.MaxCABytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > checklist.MaxCABytes {
		return nil, fmt.Errorf("%w: over the %d-byte limit", ErrRefused, checklist.MaxCABytes)
	}
	return b, nil
}
