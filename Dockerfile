# golive: a static, non-root image with a read-only root filesystem.
# The build command is the one `make build` and .ci/run use.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=devel
RUN CGO_ENABLED=0 go build -tags nodemo -trimpath -ldflags "-s -w -X github.com/ag06mixer/golive/internal/app.Version=${VERSION}" -o /out/golive ./cmd/golive

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/golive /golive
USER 65532:65532
EXPOSE 8080
ENV GOLIVE_LISTEN=:8080
ENTRYPOINT ["/golive"]
CMD ["serve"]
