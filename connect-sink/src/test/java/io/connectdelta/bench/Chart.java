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
        double max = values.stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).max().orElse(1);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"13\">\n", labelWidth + barArea + 110, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"28\" font-size=\"16\" font-weight=\"bold\">%s</text>\n",
                escape(title)));
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

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
