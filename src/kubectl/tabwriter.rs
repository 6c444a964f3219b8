//! Go's `text/tabwriter` (flags 0, space padding), which kubectl prints every table and every
//! `describe` through. A column's width is set by the block of consecutive lines that have a
//! cell in it; a line without that cell ends the block — which is why `describe` output aligns
//! in runs rather than all the way down.

/// Formats `text` (cells separated by `\t`, lines by `\n`) like `tabwriter.NewWriter(out,
/// minwidth, tabwidth, padding, ' ', 0)`.
pub fn format(text: &str, minwidth: usize, padding: usize) -> String {
    let lines: Vec<Vec<&str>> = text.split_inclusive('\n').map(|l| l.trim_end_matches('\n').split('\t').collect()).collect();
    let mut out = String::new();
    let mut widths = Vec::new();
    block(&lines, 0, lines.len(), &mut widths, minwidth, padding, &mut out);
    if !text.ends_with('\n') && out.ends_with('\n') {
        out.pop();
    }
    out
}

fn width(s: &str) -> usize {
    s.chars().count()
}

fn write_lines(lines: &[Vec<&str>], from: usize, to: usize, widths: &[usize], out: &mut String) {
    for line in &lines[from..to] {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if j + 1 < line.len() && j < widths.len() {
                out.push_str(&" ".repeat(widths[j].saturating_sub(width(cell))));
            }
        }
        out.push('\n');
    }
}

fn block(lines: &[Vec<&str>], mut line0: usize, line1: usize, widths: &mut Vec<usize>, minwidth: usize, padding: usize, out: &mut String) {
    let column = widths.len();
    let mut this = line0;
    while this < line1 {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        write_lines(lines, line0, this, widths, out);
        line0 = this;
        let mut w = minwidth;
        while this < line1 && column + 1 < lines[this].len() {
            w = w.max(width(lines[this][column]) + padding);
            this += 1;
        }
        widths.push(w);
        block(lines, line0, this, widths, minwidth, padding, out);
        widths.pop();
        line0 = this;
    }
    write_lines(lines, line0, line1, widths, out);
}

/// `kubectl get`'s table writer (minwidth 6, padding 3).
pub fn table(text: &str) -> String {
    format(text, 6, 3)
}

/// `kubectl describe`'s writer (minwidth 0, padding 2).
pub fn describe(text: &str) -> String {
    format(text, 0, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_end_at_lines_without_the_column() {
        let got = describe("Name:\tx\nPriority Class Name:\ty\nIPs:\n  IP:\t1.2.3.4\nControlled By:\tNode/a\n");
        assert_eq!(got, "Name:                 x\nPriority Class Name:  y\nIPs:\n  IP:           1.2.3.4\nControlled By:  Node/a\n");
        assert_eq!(table("NAME\tREADY\nab\t1/1\n"), "NAME   READY\nab     1/1\n");
    }
}
