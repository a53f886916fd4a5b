//go:build tools

package e2e

import _ "github.com/CosmWasm/wasmd/cmd/wasmd"
