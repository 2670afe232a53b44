# syntax=docker/dockerfile:1
# RetirementBridge: build with the .NET SDK, run on the ASP.NET runtime image as a non-root user.
#   docker build -t retirement-bridge .
#   docker run -p 8080:8080 -v rb-data:/data -e Webhook__Secrets__0=whsec_... retirement-bridge

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so the layer is reused until a dependency changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/RetirementBridge/RetirementBridge.csproj src/RetirementBridge/
COPY src/RetirementBridge.Deleters/RetirementBridge.Deleters.csproj src/RetirementBridge.Deleters/
COPY src/RetirementBridge.Deleters.Abstractions/RetirementBridge.Deleters.Abstractions.csproj src/RetirementBridge.Deleters.Abstractions/
COPY src/RetirementBridge.StandardWebhooks/RetirementBridge.StandardWebhooks.csproj src/RetirementBridge.StandardWebhooks/
RUN dotnet restore src/RetirementBridge/RetirementBridge.csproj
COPY src/ src/
RUN dotnet publish src/RetirementBridge/RetirementBridge.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The SQLite file lives on a volume owned by the image's non-root user ("app", uid 1654).
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
