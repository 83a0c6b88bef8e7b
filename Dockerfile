# syntax=docker/dockerfile:1
# gladgraph's image: a static binary on distroless/static (CA certificates, tzdata, a non-root
# user, no shell, no package manager). Build with `make image` (which stamps the version and
# revision) or `docker build -t gladgraph .`.

FROM golang:1.26 AS build
WORKDIR /src
# Modules first: the layer is reused while go.mod and go.sum are unchanged.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The build context has no .git (see .dockerignore), so the version and revision come as
# build arguments and are stamped into package buildinfo.
ARG VERSION=""
ARG REVISION=""
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X github.com/gladgraph/gladgraph/buildinfo.stampedVersion=${VERSION} -X github.com/gladgraph/gladgraph/buildinfo.stampedRevision=${REVISION}" \
      -o /out/gladgraph .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/gladgraph /gladgraph
# 65532 is distroless's "nonroot"; numeric so that runAsNonRoot can verify it.
USER 65532:65532
ENV LISTEN_ADDR=:4001
EXPOSE 4001
ENTRYPOINT ["/gladgraph"]
