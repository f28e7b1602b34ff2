#pragma once
// Plugin category `telemetry_backend`: receives OpenTelemetry traces and metrics.

#include "floe/plugins/plugin.h"

namespace floe::plugins {

class TelemetryBackendPlugin : public Plugin {
 public:
};

}  // namespace floe::plugins
