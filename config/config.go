// Package config holds the files golive ships: the built-in checklist and
// the JSON Schema of the config format, embedded in the binary.
package config

import _ "embed"

// ProductionReadiness is the built-in default checklist.
//
//go:embed production-readiness.yml
var ProductionReadiness []byte

// Schema is the JSON Schema of .github/golive.yml.
//
//go:embed golive.schema.json
var Schema []byte
