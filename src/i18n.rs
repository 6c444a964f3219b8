//! The page's languages and its UI strings. Every text exists in English and Brazilian
//! Portuguese; a test checks that no entry is missing or empty.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    Pt,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Pt => "pt-BR",
            Lang::En => "en",
        }
    }

    pub fn pick<'a>(self, en: &'a str, pt: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Pt => pt,
        }
    }
}

/// (key, English, Portuguese)
const STRINGS: &[(&str, &str, &str)] = &[
    ("app.title", "etcd playground", "playground do etcd"),
    ("app.tagline", "Practice etcd and etcdctl in your browser: nothing to install.", "Pratique etcd e etcdctl no navegador: nada para instalar."),
    ("terminal.label", "Terminal", "Terminal"),
    ("terminal.input", "Command input", "Entrada de comandos"),
    ("terminal.help", "Type a command and press Enter. Up/Down recall history.", "Digite um comando e tecle Enter. Setas para cima/baixo recuperam o histórico."),
    ("lang.switch", "Language", "Idioma"),
    ("explain.title", "What happened", "O que aconteceu"),
];

/// The UI text for `key` in `lang`; an unknown key shows itself so the gap is visible.
pub fn t(lang: Lang, key: &str) -> &str {
    STRINGS.iter().find(|(k, _, _)| *k == key).map(|(_, en, pt)| lang.pick(en, pt)).unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_has_both_languages() {
        for (k, en, pt) in STRINGS {
            assert!(!en.is_empty() && !pt.is_empty(), "{k} lacks a translation");
        }
        assert_eq!(t(Lang::Pt, "lang.switch"), "Idioma");
        assert_eq!(t(Lang::En, "lang.switch"), "Language");
    }
}
