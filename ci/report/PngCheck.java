import java.awt.image.BufferedImage;
import java.io.File;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * java ci/report/PngCheck.java FILE.png...: fails unless each PNG shows a chart: at least 20
 * distinct colours, 1 % of its pixels not near-white and 0.25 % in colour (the series; text and
 * tables are grey, a blank or half-loaded page has none). Prints what it found per file.
 */
public class PngCheck {
  public static void main(String[] args) throws Exception {
    int bad = 0;
    for (String a : args) {
      BufferedImage img = ImageIO.read(new File(a));
      if (img == null) {
        System.out.println("FAIL: " + a + " is not a PNG");
        bad++;
        continue;
      }
      Set<Integer> colours = new HashSet<>();
      long ink = 0;
      long colourful = 0;
      long all = 0;
      for (int y = 0; y < img.getHeight(); y++) {
        for (int x = 0; x < img.getWidth(); x++) {
          int rgb = img.getRGB(x, y) & 0xffffff;
          colours.add(rgb);
          int r = rgb >> 16 & 0xff;
          int g = rgb >> 8 & 0xff;
          int b = rgb & 0xff;
          if (r < 230 || g < 230 || b < 230) {
            ink++;
          }
          if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
            colourful++;
          }
          all++;
        }
      }
      boolean ok = colours.size() >= 20 && ink * 100 >= all && colourful * 400 >= all;
      System.out.printf(
          "%s: %s, %dx%d, %d colours, %.1f %% drawn, %.2f %% in colour%n",
          ok ? "PASS" : "FAIL",
          a,
          img.getWidth(),
          img.getHeight(),
          colours.size(),
          100.0 * ink / all,
          100.0 * colourful / all);
      if (!ok) {
        bad++;
      }
    }
    System.exit(bad == 0 ? 0 : 1);
  }
}
