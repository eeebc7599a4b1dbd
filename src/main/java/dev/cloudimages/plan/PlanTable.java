package dev.cloudimages.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * The plan as a plain-text table for the terminal: variant, image name, actions, why; under each
 * variant with anything to show, an indented line saying what exists where (its local file, and
 * per region the image, its state and how that is known), so the columns stay narrow.
 */
final class PlanTable {

    private PlanTable() {
    }

    static String render(Plan plan) {
        List<String[]> rows = new ArrayList<>();
        List<String> where = new ArrayList<>();
        rows.add(new String[]{"VARIANT", "IMAGE", "ACTIONS", "WHY"});
        where.add("");
        for (VariantPlan variant : plan.variants()) {
            String actions = variant.actions().isEmpty() ? "-"
                    : String.join(",", variant.actions().stream().map(Action::label).toList());
            rows.add(new String[]{variant.key(), variant.imageName(), actions, String.join("; ", variant.why())});
            where.add(variant.where().isEmpty() ? "" : "  " + variant.where().line(variant.cloud()) + "\n");
        }
        int[] widths = new int[3];
        for (String[] row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            for (int i = 0; i < widths.length; i++) {
                table.append(row[i]).append(" ".repeat(widths[i] - row[i].length() + 2));
            }
            table.append(row[3]).append('\n').append(where.get(r));
        }
        return table.toString();
    }
}
