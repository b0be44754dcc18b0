package io.vmpower.cli.sim;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * Writes the report of one or more runs of the same scenario into a folder: {@code report.html}
 * (self-contained: the charts are inline SVG, no script, no network), each chart as PNG and SVG
 * under {@code charts/} (JFreeChart, SVG through JFreeSVG), {@code series.csv} (one row per
 * strategy and sample) and {@code totals.csv} (one row per strategy). The HTML's totals table shows
 * the same rounded numbers as {@code totals.csv} (each cell also carries them in {@code
 * data-value}).
 */
public final class SimReport {
  static final int WIDTH = 960;
  static final int HEIGHT = 420;

  private static final Color[] COLORS = {
    new Color(0xd6, 0x27, 0x28),
    new Color(0x1f, 0x77, 0xb4),
    new Color(0x2c, 0xa0, 0x2c),
    new Color(0xff, 0x7f, 0x0e),
    new Color(0x94, 0x67, 0xbd),
    new Color(0x8c, 0x56, 0x4b),
    new Color(0xe3, 0x77, 0xc2),
    new Color(0x7f, 0x7f, 0x7f),
    new Color(0xbc, 0xbd, 0x22),
    new Color(0x17, 0xbe, 0xcf)
  };

  private SimReport() {}

  /** The files written, in order: the HTML first. */
  public static List<Path> write(Path dir, String scenario, long seed, List<SimResult> results)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir.resolve("charts"));
    List<Path> written = new ArrayList<>();
    List<Chart> charts = new ArrayList<>();
    charts.add(new Chart("power", "Power over time", powerChart(results)));
    for (SimResult r : results) {
      charts.add(
          new Chart(
              "frequency-" + r.strategy().word(),
              "Frequency of each pCPU: " + r.strategy().word(),
              frequencyChart(r)));
    }
    charts.add(new Chart("energy", "Energy per VM and in total", energyChart(results)));
    charts.add(new Chart("unserved", "Demand not served", unservedChart(results)));
    charts.add(new Chart("load", "The load (demand) of each VM", loadChart(results.get(0))));
    Path html = dir.resolve("report.html");
    written.add(html);
    for (Chart c : charts) {
      Path png = dir.resolve("charts/" + c.id + ".png");
      ChartUtils.saveChartAsPNG(png.toFile(), c.chart, WIDTH, HEIGHT);
      Path svg = dir.resolve("charts/" + c.id + ".svg");
      Files.writeString(svg, svgDocument(c), StandardCharsets.UTF_8);
      written.add(png);
      written.add(svg);
    }
    Path series = dir.resolve("series.csv");
    Files.writeString(series, seriesCsv(results), StandardCharsets.UTF_8);
    Path totals = dir.resolve("totals.csv");
    Files.writeString(totals, totalsCsv(results), StandardCharsets.UTF_8);
    written.add(series);
    written.add(totals);
    Files.writeString(html, html(scenario, seed, results, charts), StandardCharsets.UTF_8);
    return written;
  }

  private record Chart(String id, String title, JFreeChart chart) {}

  // ---- charts

  static JFreeChart powerChart(List<SimResult> results) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (SimResult r : results) {
      XYSeries s = new XYSeries(r.strategy().word());
      for (int i = 0; i < r.timesSeconds().length; i++) {
        s.add(r.timesSeconds()[i] / 3600.0, r.powerWatts()[i]);
      }
      data.addSeries(s);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart("Power over time", "hours", "watts (mean per sample)", data);
    style(chart.getXYPlot(), results.size());
    hours(chart, results.get(0));
    return chart;
  }

  static JFreeChart frequencyChart(SimResult r) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (int c = 0; c < r.cpuKhz().length; c++) {
      XYSeries s = new XYSeries("cpu" + c);
      for (int i = 0; i < r.timesSeconds().length; i++) {
        s.add(r.timesSeconds()[i] / 3600.0, r.cpuKhz()[c][i] / 1000.0);
      }
      data.addSeries(s);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "Frequency of each pCPU (" + r.strategy().word() + ")",
            "hours",
            "MHz (mean per sample)",
            data);
    XYPlot plot = chart.getXYPlot();
    style(plot, r.cpuKhz().length);
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    hours(chart, r);
    return chart;
  }

  static JFreeChart energyChart(List<SimResult> results) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (SimResult r : results) {
      for (String vm : r.vms()) {
        data.addValue(r.vmJoules().get(vm) / 1000, vm, r.strategy().word());
      }
      data.addValue(r.idleJoules() / 1000, "idle (no VM)", r.strategy().word());
    }
    JFreeChart chart =
        ChartFactory.createStackedBarChart(
            "Energy per VM and in total",
            "strategy",
            "kJ",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    CategoryPlot plot = chart.getCategoryPlot();
    StackedBarRenderer renderer = (StackedBarRenderer) plot.getRenderer();
    renderer.setShadowVisible(false);
    renderer.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
    for (int i = 0; i < data.getRowCount(); i++) {
      renderer.setSeriesPaint(i, COLORS[(i + 1) % COLORS.length]);
    }
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  static JFreeChart unservedChart(List<SimResult> results) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (SimResult r : results) {
      XYSeries s = new XYSeries(r.strategy().word());
      double sample = r.options().sample().toNanos() / 1e9;
      for (int i = 0; i < r.timesSeconds().length; i++) {
        // the unserved share of a core, on average over the sample
        s.add(r.timesSeconds()[i] / 3600.0, r.unservedCoreSeconds()[i] / sample);
      }
      data.addSeries(s);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "Demand not served (work that could not run)",
            "hours",
            "cores' worth of work at nominal frequency",
            data);
    style(chart.getXYPlot(), results.size());
    hours(chart, results.get(0));
    return chart;
  }

  static JFreeChart loadChart(SimResult r) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (int v = 0; v < r.vms().size(); v++) {
      XYSeries s = new XYSeries(r.vms().get(v));
      for (int i = 0; i < r.timesSeconds().length; i++) {
        s.add(r.timesSeconds()[i] / 3600.0, r.vmLoadPercent()[v][i]);
      }
      data.addSeries(s);
    }
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "The load: each VM's mean vCPU demand",
            "hours",
            "% of a vCPU at nominal frequency",
            data);
    style(chart.getXYPlot(), r.vms().size());
    hours(chart, r);
    return chart;
  }

  private static void hours(JFreeChart chart, SimResult r) {
    double h = r.options().length().toNanos() / 3.6e12;
    chart.getXYPlot().getDomainAxis().setRange(0, h);
  }

  private static void style(XYPlot plot, int series) {
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    renderer.setDrawSeriesLineAsPath(true); // one SVG path per series, not one line per point
    plot.setRenderer(renderer);
    for (int i = 0; i < series; i++) {
      plot.getRenderer().setSeriesPaint(i, COLORS[i % COLORS.length]);
      plot.getRenderer().setSeriesStroke(i, new BasicStroke(2.4f));
    }
    plot.getChart().setBackgroundPaint(Color.WHITE);
  }

  private static String svgElement(Chart c) {
    SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
    g.setDefsKeyPrefix(c.id + "-");
    g.setGeomDoubleConverter(d -> num(d, 1));
    c.chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
    return g.getSVGElement(
        c.id,
        true,
        new org.jfree.svg.ViewBox(0, 0, WIDTH, HEIGHT),
        org.jfree.svg.PreserveAspectRatio.XMID_YMID,
        org.jfree.svg.MeetOrSlice.MEET);
  }

  private static String svgDocument(Chart c) {
    return "<?xml version=\"1.0\"?>\n" + svgElement(c) + "\n";
  }

  // ---- CSV

  static String seriesCsv(List<SimResult> results) {
    StringBuilder sb = new StringBuilder("strategy,t_seconds,power_watts,energy_joules");
    sb.append(",unserved_core_seconds,demand_core_seconds");
    SimResult first = results.get(0);
    for (int c = 0; c < first.cpuKhz().length; c++) {
      sb.append(",cpu").append(c).append("_khz");
    }
    for (String vm : first.vms()) {
      sb.append(",load_").append(vm).append("_percent");
    }
    sb.append('\n');
    for (SimResult r : results) {
      for (int i = 0; i < r.timesSeconds().length; i++) {
        sb.append(r.strategy().word()).append(',').append(r.timesSeconds()[i]);
        sb.append(',').append(num(r.powerWatts()[i], 4));
        sb.append(',').append(num(r.energyJoules()[i], 4));
        sb.append(',').append(num(r.unservedCoreSeconds()[i], 4));
        sb.append(',').append(num(r.demandCoreSeconds()[i], 4));
        for (double[] cpu : r.cpuKhz()) {
          sb.append(',').append(num(cpu[i], 1));
        }
        for (double[] load : r.vmLoadPercent()) {
          sb.append(',').append(num(load[i], 3));
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  /** The totals' columns, as in totals.csv and the HTML table. */
  static List<String> totalsHeader(SimResult first) {
    List<String> h = new ArrayList<>(List.of("strategy", "energy_joules", "energy_wh"));
    for (String vm : first.vms()) {
      h.add("energy_" + vm + "_joules");
    }
    h.addAll(
        List.of(
            "idle_joules",
            "demand_core_seconds",
            "slowed_core_seconds",
            "unserved_core_seconds",
            "unserved_percent",
            "power_requests_sent",
            "power_requests_answered",
            "frequency_writes"));
    return h;
  }

  static List<String> totalsRow(SimResult r) {
    List<String> row = new ArrayList<>();
    row.add(r.strategy().word());
    row.add(num(r.totalJoules(), 1));
    row.add(num(r.totalJoules() / 3600, 3));
    for (String vm : r.vms()) {
      row.add(num(r.vmJoules().get(vm), 1));
    }
    row.add(num(r.idleJoules(), 1));
    row.add(num(r.demandTotal(), 1));
    row.add(num(r.slowedTotal(), 1));
    row.add(num(r.unservedTotal(), 1));
    row.add(num(r.unservedPercent(), 3));
    row.add(Long.toString(r.requestsSent()));
    row.add(Long.toString(r.requestsAnswered()));
    row.add(Long.toString(r.frequencyWrites()));
    return row;
  }

  static String totalsCsv(List<SimResult> results) {
    StringBuilder sb = new StringBuilder(String.join(",", totalsHeader(results.get(0))));
    sb.append('\n');
    for (SimResult r : results) {
      sb.append(String.join(",", totalsRow(r))).append('\n');
    }
    return sb.toString();
  }

  static String num(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  // ---- HTML

  private static String html(
      String scenario, long seed, List<SimResult> results, List<Chart> charts) {
    SimResult first = results.get(0);
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    sb.append("<title>vmpower: ").append(esc(scenario)).append("</title>\n");
    sb.append(
        "<style>body{font-family:sans-serif;margin:2em;max-width:1000px}"
            + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;"
            + "text-align:right}th{background:#f3f3f3}td:first-child{text-align:left}"
            + "figure{margin:1.5em 0}svg{max-width:100%;height:auto}"
            // report.html#chart-ID shows that chart alone (for screenshots of each)
            + "body:has(figure:target)>:not(figure:target){display:none}"
            + "figure:target{margin:0}figure:target h2{margin:0 0 8px}</style>\n");
    sb.append("</head>\n<body>\n");
    sb.append("<h1>vmpower: a simulated run</h1>\n<p>Scenario <code>")
        .append(esc(scenario))
        .append("</code>, ")
        .append(esc(first.options().length().toString().substring(2).toLowerCase(Locale.ROOT)))
        .append(" of simulated time, seed ")
        .append(seed)
        .append(", a sample every ")
        .append(first.options().sample().toSeconds())
        .append(" s. Energy from the simulated energy model (docs/energy.md); unserved demand is")
        .append(" the work the vCPUs' load asked for that their pCPUs' frequency could not run,")
        .append(" slowed the work that ran, but below the highest non-turbo frequency, both")
        .append(" in core-seconds at that frequency; power requests are the")
        .append(" guests' scale requests, answered with an ACK or a NACK.</p>\n");
    sb.append("<h2>Totals</h2>\n<table id=\"totals\">\n<tr>");
    for (String h : totalsHeader(first)) {
      sb.append("<th>").append(esc(h)).append("</th>");
    }
    sb.append("</tr>\n");
    for (SimResult r : results) {
      sb.append("<tr data-strategy=\"").append(r.strategy().word()).append("\">");
      List<String> header = totalsHeader(first);
      List<String> row = totalsRow(r);
      for (int i = 0; i < row.size(); i++) {
        sb.append("<td data-column=\"")
            .append(esc(header.get(i)))
            .append("\" data-value=\"")
            .append(esc(row.get(i)))
            .append("\">")
            .append(esc(row.get(i)))
            .append("</td>");
      }
      sb.append("</tr>\n");
    }
    sb.append("</table>\n");
    sb.append("<p>Series: <a href=\"series.csv\">series.csv</a>, totals:")
        .append(" <a href=\"totals.csv\">totals.csv</a>; each chart as PNG and SVG in")
        .append(" <code>charts/</code>.</p>\n");
    for (Chart c : charts) {
      sb.append("<figure id=\"chart-")
          .append(c.id)
          .append("\">\n<h2>")
          .append(esc(c.title))
          .append("</h2>\n")
          .append(svgElement(c))
          .append("\n</figure>\n");
    }
    sb.append("</body>\n</html>\n");
    return sb.toString();
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
