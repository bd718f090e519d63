package io.connectdelta.bench;

import java.util.List;
import java.util.Locale;

/** A horizontal bar chart as SVG text, so the benchmark draws its own chart with nothing to install. */
final class Chart {
    private Chart() {
    }

    static String bars(String title, List<String> labels, List<Double> values) {
        int labelWidth = 300;
        int barArea = 420;
        int rowHeight = 34;
        int top = 50;
        int height = top + rowHeight * labels.size() + 20;
        double max = maxOf(values);
        StringBuilder svg = start(labelWidth + barArea + 110, height, 13, title);
        for (int i = 0; i < labels.size(); i++) {
            Double value = values.get(i);
            int y = top + i * rowHeight;
            int width = value.isNaN() ? 0 : (int) Math.round(barArea * value / max);
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                    labelWidth - 8, y + 17, escape(labels.get(i))));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"22\" fill=\"%s\"/>\n",
                    labelWidth, y + 2, width, labels.get(i).contains("Debezium") ? "#9e9e9e" : "#2e7d32"));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>\n", labelWidth + width + 6, y + 17,
                    value.isNaN() ? "n/a" : String.format(Locale.ROOT, "%,.0f", value)));
        }
        return svg.append("</svg>\n").toString();
    }

    /**
     * Two figures per row on one scale, the smaller drawn over the larger (p50 over p99), with a dashed line at
     * {@code marker} (a goal) when it lies within the scale.
     */
    static String pairedBars(String title, String unit, List<String> labels, List<Double> small, List<Double> large,
                             String smallName, String largeName, double marker) {
        int labelWidth = 360;
        int barArea = 420;
        int rowHeight = 26;
        int top = 64;
        int height = top + rowHeight * labels.size() + 20;
        double max = maxOf(large);
        StringBuilder svg = start(labelWidth + barArea + 170, height, 12, title);
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"38\" width=\"14\" height=\"12\" fill=\"#1b5e20\"/>"
                + "<text x=\"%d\" y=\"49\">%s</text><rect x=\"%d\" y=\"38\" width=\"14\" height=\"12\" fill=\"#a5d6a7\"/>"
                + "<text x=\"%d\" y=\"49\">%s</text>\n", labelWidth, labelWidth + 18, escape(smallName), labelWidth + 80,
                labelWidth + 98, escape(largeName)));
        for (int i = 0; i < labels.size(); i++) {
            int y = top + i * rowHeight;
            boolean debezium = labels.get(i).contains("Debezium");
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
                    labelWidth - 8, y + 15, escape(labels.get(i))));
            int largeWidth = width(large.get(i), max, barArea);
            int smallWidth = width(small.get(i), max, barArea);
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"%s\"/>\n",
                    labelWidth, y + 2, largeWidth, debezium ? "#d6d6d6" : "#a5d6a7"));
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"%s\"/>\n",
                    labelWidth, y + 2, smallWidth, debezium ? "#757575" : "#1b5e20"));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s / %s %s</text>\n", labelWidth + largeWidth + 6,
                    y + 15, figure(small.get(i)), figure(large.get(i)), escape(unit)));
        }
        if (marker > 0 && marker <= max) {
            int x = labelWidth + width(marker, max, barArea);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#c62828\" "
                    + "stroke-dasharray=\"4,3\"/>\n<text x=\"%d\" y=\"%d\" fill=\"#c62828\">%s</text>\n", x, top - 4, x,
                    height - 16, x + 3, height - 6, figure(marker) + " " + escape(unit)));
        }
        return svg.append("</svg>\n").toString();
    }

    /** The SVG element, a white background and the title. */
    private static StringBuilder start(int width, int height, int fontSize, String title) {
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"%d\">\n", width, height, fontSize));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"28\" font-size=\"16\" font-weight=\"bold\">%s</text>\n",
                escape(title)));
        return svg;
    }

    private static double maxOf(List<Double> values) {
        return values.stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).max().orElse(1);
    }

    private static int width(Double value, double max, int area) {
        return value == null || value.isNaN() ? 0 : (int) Math.round(area * value / max);
    }

    private static String figure(Double value) {
        return value == null || value.isNaN() ? "n/a" : String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
