# syntax=docker/dockerfile:1

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so source edits reuse the cached restore layer.
COPY global.json Directory.Build.props Directory.Packages.props Kasparro.sln .editorconfig* ./
COPY src/Domain/Kasparro.Domain.csproj src/Domain/
COPY src/Application/Kasparro.Application.csproj src/Application/
COPY src/Infrastructure/Kasparro.Infrastructure.csproj src/Infrastructure/
COPY src/WebApi/Kasparro.WebApi.csproj src/WebApi/
# ReadyToRun for the target's runtime: a fresh process runs precompiled code instead of waiting on the JIT.
ARG TARGETARCH
RUN case "$TARGETARCH" in arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac \
    && echo "$rid" >/tmp/rid \
    && dotnet restore src/WebApi/Kasparro.WebApi.csproj -r "$(cat /tmp/rid)" -p:PublishReadyToRun=true
COPY src/ src/
RUN dotnet publish src/WebApi/Kasparro.WebApi.csproj -c Release -o /app --no-restore -r "$(cat /tmp/rid)" --self-contained false \
        -p:PublishReadyToRun=true -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# curl for the health check only. Not pinned to a version (DL3008): the base image's distribution serves one curl
# at a time and drops the previous one, so a pin would break the build at its next security update; Dependabot
# moves the base image instead.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
RUN mkdir -p /app/data
ENV PORT=8080 \
    CSV_PATH=/app/data \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
# The base image's non-root `app` user, by number, so Kubernetes can verify runAsNonRoot (uid 1654).
USER $APP_UID
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${PORT}/health/live" || exit 1
ENTRYPOINT ["dotnet", "Kasparro.WebApi.dll"]
CMD ["serve"]
