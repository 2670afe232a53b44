# syntax=docker/dockerfile:1
# RetirementBridge: build with the .NET SDK, run on the ASP.NET runtime image as a non-root user.
#   docker build -t retirement-bridge .
#   docker buildx build --platform linux/arm64 -t retirement-bridge:arm64 --load .
#   docker run -p 127.0.0.1:8080:8080 -v rb-data:/data --env-file /etc/retirement-bridge/env retirement-bridge

# The SDK runs on the build machine's own platform (no emulation) and publishes for the target's architecture
# (TARGETARCH: amd64, arm64), so each image carries only its own native SQLite library instead of ~22.
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
WORKDIR /src
# Restore first, from the project files only, so the layer is reused until a dependency changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/RetirementBridge/RetirementBridge.csproj src/RetirementBridge/
COPY src/RetirementBridge.Deleters/RetirementBridge.Deleters.csproj src/RetirementBridge.Deleters/
COPY src/RetirementBridge.Deleters.Abstractions/RetirementBridge.Deleters.Abstractions.csproj src/RetirementBridge.Deleters.Abstractions/
COPY src/RetirementBridge.StandardWebhooks/RetirementBridge.StandardWebhooks.csproj src/RetirementBridge.StandardWebhooks/
# Restore and publish must name the same architecture: publish -a X --no-restore after a restore for another one
# fails (NETSDK1047), and without -a it would silently publish every platform's native libraries again.
RUN dotnet restore src/RetirementBridge/RetirementBridge.csproj -a $TARGETARCH
COPY src/ src/
RUN dotnet publish src/RetirementBridge/RetirementBridge.csproj -c Release -a $TARGETARCH --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The SQLite file lives on a volume owned by the image's non-root user ("app", uid 1654).
# The only step that runs on the target platform (under QEMU when cross-building).
RUN mkdir -p /data && chown app:app /data
VOLUME /data
ENV ASPNETCORE_HTTP_PORTS=8080 \
    Store__Sqlite__Path=/data/retirement-bridge.db \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
USER app
EXPOSE 8080
# The runtime image has no curl: the bridge probes its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["dotnet", "RetirementBridge.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "RetirementBridge.dll"]
