package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// receiptKey serves the public key that verifies golive's decision
// receipts: public by design, so an auditor needs nothing else.
func receiptKey(pem []byte) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=300")
		c.Data(http.StatusOK, "application/x-pem-file", pem)
	}
}
