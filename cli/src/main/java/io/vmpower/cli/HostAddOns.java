package io.vmpower.cli;

import com.google.inject.Module;
import com.google.inject.multibindings.OptionalBinder;
import io.vmpower.cli.metrics.HostMetrics;
import io.vmpower.core.BuildInfo;
import io.vmpower.core.config.DriftSettings;
import io.vmpower.core.config.EnergySettings;
import io.vmpower.core.config.MetricsSettings;
import io.vmpower.core.config.PolicySettings;
import io.vmpower.core.service.Service;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the options add to a host besides its HAL and settings: the drift check's, the energy
 * sampling's and the policies' settings, and the Prometheus endpoint ({@code --metrics-listen}),
 * for the interactive host and the daemon alike.
 */
final class HostAddOns {
  final MetricsSettings metricsSettings;
  final DriftSettings drift;
  final EnergySettings energy;
  final PolicySettings policies;

  /** The metrics, or null when no endpoint is asked for. */
  final HostMetrics metrics;

  private HostAddOns(
      MetricsSettings metricsSettings,
      DriftSettings drift,
      EnergySettings energy,
      PolicySettings policies) {
    this.metricsSettings = metricsSettings;
    this.drift = drift;
    this.energy = energy;
    this.policies = policies;
    this.metrics = metricsSettings.enabled() ? new HostMetrics(BuildInfo.version()) : null;
  }

  /**
   * From the options.
   *
   * @throws IllegalArgumentException with the message to print after {@code Error: } (exit 2)
   */
  static HostAddOns of(HostOptions opts) {
    MetricsSettings metrics;
    try {
      metrics = opts.metrics();
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException("--metrics-listen: " + ex.getMessage(), ex);
    }
    return new HostAddOns(metrics, opts.drift(), opts.energy(), opts.policySettings());
  }

  /** The modules that bind them (and the metrics' timers when the endpoint is on). */
  Module[] modules() {
    List<Module> out = new ArrayList<>();
    out.add(
        binder -> {
          OptionalBinder.newOptionalBinder(binder, DriftSettings.class)
              .setBinding()
              .toInstance(drift);
          OptionalBinder.newOptionalBinder(binder, EnergySettings.class)
              .setBinding()
              .toInstance(energy);
        });
    out.add(HostApp.policies(policies));
    if (metrics != null) {
      out.add(metrics.module());
    }
    return out.toArray(new Module[0]);
  }

  /** Starts the endpoint over {@code app}'s host; returns where it listens. */
  InetSocketAddress startMetrics(HostApp app) throws IOException {
    metrics.collectFrom(app.injector());
    try {
      return metrics.start(metricsSettings.address());
    } catch (IOException ex) {
      throw new IOException(
          "the metrics endpoint cannot listen on "
              + metricsSettings.address()
              + ": "
              + (ex.getMessage() == null ? ex.toString() : ex.getMessage()),
          ex);
    }
  }

  /** The endpoint as a service of the daemon; {@code report} hears where it listens. */
  Service metricsService(HostApp app, Consumer<String> report) {
    return new Service() {
      @Override
      public String name() {
        return "metrics endpoint " + metricsSettings.listen();
      }

      @Override
      public void start() throws IOException {
        report.accept("Metrics: http://" + hostPort(startMetrics(app)) + "/metrics");
      }

      @Override
      public void close() {
        metrics.close();
      }
    };
  }

  static String hostPort(InetSocketAddress at) {
    String host = at.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + at.getPort();
  }
}
