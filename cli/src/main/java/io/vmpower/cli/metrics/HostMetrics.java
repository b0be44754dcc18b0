package io.vmpower.cli.metrics;

import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.multibindings.OptionalBinder;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vmpower.core.config.MetricsSettings;
import io.vmpower.core.drift.DriftCheck;
import io.vmpower.core.energy.EnergySampler;
import io.vmpower.core.host.PolicyCommands;
import io.vmpower.core.metrics.HostTimers;
import io.vmpower.core.power.PowerManager;
import io.vmpower.core.vm.VmRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The host's Prometheus metrics: a registry of its own (no global state), the histograms core
 * records into (bound as {@link HostTimers} through {@link #module()}), the callback metrics read
 * at scrape time from the assembled host ({@link #collectFrom}), the build's version, JVM metrics,
 * and the HTTP endpoint ({@link #start}). Off unless the operator asks for it, so a host without it
 * loads none of these classes.
 */
public final class HostMetrics implements AutoCloseable {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final HostTimers timers;
  private HTTPServer server;

  /** The registry with the build's version, the JVM's metrics and the histograms. */
  public HostMetrics(String version) {
    ((Info)
            Info.builder()
                .name("vmpower_build_info")
                .help("The vmpower build running, as its version label")
                .labelNames("version")
                .register(registry))
        .setLabelValues(version);
    JvmMetrics.builder().register(registry);
    this.timers = PrometheusTimers.register(registry);
  }

  /** Binds core's {@link HostTimers} to this registry's histograms. */
  public Module module() {
    return binder ->
        OptionalBinder.newOptionalBinder(binder, HostTimers.class).setBinding().toInstance(timers);
  }

  /** Adds the metrics read at scrape time from the host assembled by {@code injector}. */
  public HostMetrics collectFrom(Injector injector) {
    HostCollectors.register(
        registry,
        injector.getInstance(VmRegistry.class),
        injector.getInstance(PowerManager.class),
        injector.getInstance(DriftCheck.class),
        injector.getInstance(EnergySampler.class),
        injector.getInstance(PolicyCommands.class));
    return this;
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** The exposition Prometheus would scrape now, in its text format. */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * Starts the HTTP endpoint ({@code /metrics}) on {@code address}; returns where it listens (the
   * port chosen when it was 0).
   *
   * @throws IOException when it cannot listen there (address in use, not local, ...)
   */
  public InetSocketAddress start(MetricsSettings.Address address) throws IOException {
    if (server != null) {
      throw new IllegalStateException("the metrics endpoint is already started");
    }
    InetAddress ip = InetAddress.getByName(address.host());
    server =
        HTTPServer.builder()
            .inetAddress(ip)
            .port(address.port())
            .registry(registry)
            .buildAndStart();
    return new InetSocketAddress(ip, server.getPort());
  }

  /** Stops the endpoint. Idempotent. */
  @Override
  public void close() {
    HTTPServer s = server;
    server = null;
    if (s != null) {
      s.close();
    }
  }
}
