//! The Markdown subset lessons use, parsed into plain data the page renders as elements with
//! text content only: raw HTML in a lesson is shown as the text it is, never parsed.
//!
//! Blocks: paragraphs, `#` headings, `-`/`*`/`1.` lists, fenced code. Inlines: `code`,
//! `**strong**`, `*em*`/`_em_`, `[text](url)` and `![alt](path)` (images only from relative
//! paths on the page's own site).

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Code(String),
    Strong(String),
    Em(String),
    /// Link text and target (only http(s) targets are kept as links).
    Link(String, String),
    /// Alt text and a relative path on the page's site.
    Image(String, String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading(u8, Vec<Inline>),
    Paragraph(Vec<Inline>),
    List { ordered: bool, items: Vec<Vec<Inline>> },
    Code(String),
}

pub fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list: Option<(bool, Vec<String>)> = None;
    let mut code: Option<Vec<&str>> = None;
    let flush_para = |para: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        if !para.is_empty() {
            blocks.push(Block::Paragraph(inlines(&para.join(" "))));
            para.clear();
        }
    };
    let flush_list = |list: &mut Option<(bool, Vec<String>)>, blocks: &mut Vec<Block>| {
        if let Some((ordered, items)) = list.take() {
            blocks.push(Block::List { ordered, items: items.iter().map(|i| inlines(i)).collect() });
        }
    };
    for line in text.lines() {
        if let Some(c) = code.as_mut() {
            if line.trim_start().starts_with("```") {
                blocks.push(Block::Code(c.join("\n")));
                code = None;
            } else {
                c.push(line);
            }
            continue;
        }
        let t = line.trim();
        if t.starts_with("```") {
            flush_para(&mut para, &mut blocks);
            flush_list(&mut list, &mut blocks);
            code = Some(Vec::new());
            continue;
        }
        if t.is_empty() {
            flush_para(&mut para, &mut blocks);
            flush_list(&mut list, &mut blocks);
            continue;
        }
        let hashes = t.bytes().take_while(|b| *b == b'#').count();
        if (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') {
            flush_para(&mut para, &mut blocks);
            flush_list(&mut list, &mut blocks);
            blocks.push(Block::Heading(hashes as u8, inlines(t[hashes..].trim())));
            continue;
        }
        let item = if let Some(rest) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
            Some((false, rest))
        } else {
            let digits = t.bytes().take_while(u8::is_ascii_digit).count();
            (digits > 0 && t[digits..].starts_with(". ")).then(|| (true, &t[digits + 2..]))
        };
        match item {
            Some((ordered, rest)) => {
                flush_para(&mut para, &mut blocks);
                if list.as_ref().is_some_and(|(o, _)| *o != ordered) {
                    flush_list(&mut list, &mut blocks);
                }
                list.get_or_insert_with(|| (ordered, Vec::new())).1.push(rest.to_string());
            }
            None => match list.as_mut() {
                // An indented line continues the last list item.
                Some((_, items)) if line.starts_with("  ") => {
                    if let Some(last) = items.last_mut() {
                        last.push(' ');
                        last.push_str(t);
                    }
                }
                _ => {
                    flush_list(&mut list, &mut blocks);
                    para.push(t);
                }
            },
        }
    }
    if let Some(c) = code {
        blocks.push(Block::Code(c.join("\n")));
    }
    flush_para(&mut para, &mut blocks);
    flush_list(&mut list, &mut blocks);
    blocks
}

/// Whether a path may be used as an image source: relative, on the page's own site.
fn safe_image_path(p: &str) -> bool {
    !p.is_empty() && !p.contains(':') && !p.starts_with("//") && !p.contains('\\')
}

pub fn inlines(s: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    let push_text = |text: &mut String, out: &mut Vec<Inline>| {
        if !text.is_empty() {
            out.push(Inline::Text(std::mem::take(text)));
        }
    };
    let mut prev: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        let taken = match c {
            // `_` inside a word (snake_case, __name) is not emphasis.
            '_' if prev.is_some_and(|p| p.is_alphanumeric() || p == '_') => None,
            '_' => rest[1..]
                .match_indices('_')
                .map(|(e, _)| e)
                .find(|&e| e > 0 && !rest[1 + e + 1..].starts_with(|n: char| n.is_alphanumeric() || n == '_'))
                .filter(|_| !rest[1..].starts_with([' ', '_']))
                .map(|e| (Inline::Em(rest[1..1 + e].to_string()), e + 2)),
            '`' => rest[1..].find('`').map(|e| (Inline::Code(rest[1..1 + e].to_string()), e + 2)),
            '*' if rest.starts_with("**") => rest[2..].find("**").filter(|e| *e > 0).map(|e| (Inline::Strong(rest[2..2 + e].to_string()), e + 4)),
            '*' => rest[1..].find(c).filter(|e| *e > 0 && !rest[1..].starts_with(' ')).map(|e| (Inline::Em(rest[1..1 + e].to_string()), e + 2)),
            '!' if rest.starts_with("![") => link(&rest[1..]).map(|(alt, url, n)| {
                let inl = if safe_image_path(&url) { Inline::Image(alt, url) } else { Inline::Text(alt) };
                (inl, n + 1)
            }),
            '[' => link(rest).map(|(t, url, n)| {
                let inl = if url.starts_with("https://") || url.starts_with("http://") { Inline::Link(t, url) } else { Inline::Text(t) };
                (inl, n)
            }),
            _ => None,
        };
        match taken {
            Some((inl, n)) => {
                push_text(&mut text, &mut out);
                out.push(inl);
                prev = rest[..n].chars().last();
                rest = &rest[n..];
            }
            None => {
                text.push(c);
                prev = Some(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    push_text(&mut text, &mut out);
    out
}

/// `[text](url)` at the start of `s`: (text, url, bytes used).
fn link(s: &str) -> Option<(String, String, usize)> {
    let close = s.find("](")?;
    let end = s[close + 2..].find(')')?;
    Some((s[1..close].to_string(), s[close + 2..close + 2 + end].trim().to_string(), close + 3 + end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Inline::*;

    #[test]
    fn blocks_and_inlines() {
        let md = "# Title\n\nStore `k1` with **care**,\nplease.\n\n- one\n- two `x`\n  more\n\n1. first\n2. second\n\n```\netcdctl put k v\n```\n![A table](www/img/t.svg)";
        let b = parse(md);
        assert_eq!(b[0], Block::Heading(1, vec![Text("Title".into())]));
        assert_eq!(b[1], Block::Paragraph(vec![Text("Store ".into()), Code("k1".into()), Text(" with ".into()), Strong("care".into()), Text(", please.".into())]));
        assert_eq!(b[2], Block::List { ordered: false, items: vec![vec![Text("one".into())], vec![Text("two ".into()), Code("x".into()), Text(" more".into())]] });
        assert_eq!(b[3], Block::List { ordered: true, items: vec![vec![Text("first".into())], vec![Text("second".into())]] });
        assert_eq!(b[4], Block::Code("etcdctl put k v".into()));
        assert_eq!(b[5], Block::Paragraph(vec![Image("A table".into(), "www/img/t.svg".into())]));
    }

    #[test]
    fn raw_html_stays_text_and_unsafe_targets_are_dropped() {
        let b = parse("<script>alert(1)</script> <img src=x onerror=alert(2)>");
        assert_eq!(b, vec![Block::Paragraph(vec![Text("<script>alert(1)</script> <img src=x onerror=alert(2)>".into())])]);
        assert_eq!(inlines("[x](javascript:alert(1))"), vec![Text("x".into()), Text(")".into())]);
        assert_eq!(inlines("![x](https://evil.example/p.png)"), vec![Text("x".into())]);
        assert_eq!(inlines("[docs](https://etcd.io)"), vec![Link("docs".into(), "https://etcd.io".into())]);
        // Unclosed markers are plain text; nothing panics on odd input.
        assert_eq!(inlines("a `b **c _d ![e"), vec![Text("a `b **c _d ![e".into())]);
        // Underscores inside words are not emphasis; a real _em_ still is.
        let s = "window.__pwned = 3 and snake_case_name and **bold** and _em_ [x](javascript:a.__b=5)";
        assert_eq!(
            inlines(s),
            vec![Text("window.__pwned = 3 and snake_case_name and ".into()), Strong("bold".into()), Text(" and ".into()), Em("em".into()), Text(" ".into()), Text("x".into())]
        );
        for s in ["`", "**", "![", "[](", "ção `ç` **ã**", "1.", "```", "_", "__", "_a", "a_", "_ _"] {
            let _ = parse(s);
        }
    }
}
