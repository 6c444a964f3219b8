//! The page's languages, its UI strings and [`Text`], the one type for a text in both
//! languages. Every text exists in English and Brazilian Portuguese; a test checks that no
//! entry is missing or empty.

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

    /// The page's language for a browser's preferred language tag (`navigator.language`):
    /// Portuguese for any `pt` tag, English otherwise.
    pub fn from_browser(tag: &str) -> Lang {
        let primary = tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        if primary == "pt" {
            Lang::Pt
        } else {
            Lang::En
        }
    }

    /// One-or-many: `one` when `n` is 1, else `many` (both carry `{n}`).
    pub fn plural(n: usize, one: &str, many: &str) -> String {
        (if n == 1 { one } else { many }).replace("{n}", &n.to_string())
    }

    pub fn pick<'a>(self, en: &'a str, pt: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Pt => pt,
        }
    }
}

/// A text in both languages of the page: the one shape for bilingual data (lesson texts,
/// refusals of a session or progress file). Serialized as `{en, pt}`, as lesson files and
/// saved sessions hold it. `Display` shows the English text (for logs and `run` mode).
///
/// ```
/// use etcd_playground::i18n::{Lang, Text};
/// let t = Text::new("key", "chave");
/// assert_eq!((t.get(Lang::En), t.get(Lang::Pt), t.to_string()), ("key", "chave", "key".to_string()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Text {
    pub en: String,
    pub pt: String,
}

impl Text {
    pub fn new(en: impl Into<String>, pt: impl Into<String>) -> Text {
        Text { en: en.into(), pt: pt.into() }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.en, &self.pt)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

/// (key, English, Portuguese)
const STRINGS: &[(&str, &str, &str)] = &[
    ("app.title", "etcd playground", "playground do etcd"),
    ("app.tagline", "Practice etcd and etcdctl in your browser: nothing to install.", "Pratique etcd e etcdctl no navegador: nada para instalar."),
    ("terminal.label", "Terminal", "Terminal"),
    ("terminal.input", "Command input", "Entrada de comandos"),
    ("terminal.help", "Enter runs a command. Up/Down: history. Ctrl+R: search history. Tab: complete (Esc then Tab leaves the terminal). Ctrl+C: cancel. Ctrl+L: clear. Pasted lines run one by one.", "Enter executa um comando. Setas: histórico. Ctrl+R: busca no histórico. Tab: completa (Esc e depois Tab sai do terminal). Ctrl+C: cancela. Ctrl+L: limpa. Linhas coladas executam uma a uma."),
    ("lang.switch", "Language", "Idioma"),
    ("explain.title", "What happened", "O que aconteceu"),
    ("terminal.output", "Terminal output", "Saída do terminal"),
    ("terminal.pending", "Downloading the programs' code: {n} command(s) will run as soon as it arrives…", "Baixando o código dos programas: {n} comando(s) vão rodar assim que ele chegar…"),
    ("terminal.hidden", "… {n} earlier lines are not shown.", "… {n} linhas anteriores não são exibidas."),
    ("reset.button", "Reset session", "Reiniciar sessão"),
    ("session.save", "Save session", "Salvar sessão"),
    ("session.load", "Load session", "Carregar sessão"),
    ("reset.confirm", "Erase everything and start over?", "Apagar tudo e começar de novo?"),
    ("reset.yes", "Yes, reset", "Sim, reiniciar"),
    ("reset.no", "Cancel", "Cancelar"),
    ("notice.reset", "Erase the saved session", "Apagar a sessão salva"),
    ("notice.dismiss", "Dismiss", "Fechar"),
    ("side.label", "State panels", "Painéis de estado"),
    ("tab.keys", "Keys", "Chaves"),
    ("tab.files", "Files", "Arquivos"),
    ("tab.lessons", "Lessons", "Lições"),
    ("tab.cluster", "Cluster", "Cluster"),
    ("cluster.running", "running", "rodando"),
    ("cluster.down", "down", "parado"),
    ("cluster.static", "Static pods (kubelet manifests)", "Static pods (manifestos do kubelet)"),
    ("cluster.nodes", "Nodes", "Nós"),
    ("cluster.pods", "Pods", "Pods"),
    ("cluster.trust", "Who talks to etcd", "Quem fala com o etcd"),
    ("cluster.trust_help", "Each TLS client presents a certificate and key and checks etcd's certificate with a CA; the flag or variable names the file. The kubelet's health check is plain HTTP.", "Cada cliente TLS apresenta um certificado e uma chave e confere o certificado do etcd com uma CA; a flag ou variável aponta o arquivo. A verificação de saúde do kubelet é HTTP puro."),
    ("cluster.edge_ok", "handshake OK", "handshake ok"),
    ("cluster.edge_broken", "handshake fails", "falha no handshake"),
    ("cluster.client_error", "The client's error:", "Erro do cliente:"),
    ("cluster.unset", "(not set)", "(não definido)"),
    ("cluster.kubelet_probe", "kubelet (health check)", "kubelet (verificação de saúde)"),
    ("cluster.probe_ok", "probe OK, no certificate", "verificação OK, sem certificado"),
    ("cluster.probe_broken", "probe fails", "a verificação falha"),
    ("lesson.sandbox", "Sandbox (no lesson)", "Sandbox (sem lição)"),
    ("lesson.list", "Course", "Curso"),
    ("lesson.load", "Load a lesson", "Carregar uma lição"),
    ("lesson.file", "From a file…", "De um arquivo…"),
    ("lesson.url", "From a URL", "De uma URL"),
    ("lesson.load_go", "Load", "Carregar"),
    ("lesson.loading", "Loading the lessons…", "Carregando as lições…"),
    ("panel.loading", "Loading…", "Carregando…"),
    ("panel.failed", "This panel's code could not be downloaded (are you offline?): reload the page when the network is back.", "O código deste painel não pôde ser baixado (está sem rede?): recarregue a página quando a rede voltar."),
    ("lesson.retry", "Try again", "Tentar de novo"),
    ("lesson.opening", "Loading {file}…", "Carregando {file}…"),
    ("lesson.back", "All lessons", "Todas as lições"),
    ("lesson.reset", "Restart lesson", "Recomeçar lição"),
    ("lesson.restartstep", "Restart this step", "Recomeçar este passo"),
    ("lesson.steps", "Steps", "Passos"),
    ("lesson.prev", "Previous", "Anterior"),
    ("lesson.next", "Next", "Próximo"),
    ("lesson.step", "Step {i} of {n}", "Passo {i} de {n}"),
    ("lesson.checks", "Checks", "Verificações"),
    ("lesson.passed", "passed:", "ok:"),
    ("lesson.notyet", "not yet:", "ainda não:"),
    ("lesson.stepdone", "Step complete! Go on with Next.", "Passo concluído! Continue com Próximo."),
    ("lesson.alldone", "Lesson complete!", "Lição concluída!"),
    ("lesson.hint", "Hint", "Dica"),
    ("lesson.showhint", "Show a hint ({n} left)", "Mostrar uma dica (restam {n})"),
    ("lesson.showsolution", "Show the solution", "Mostrar a solução"),
    ("lesson.lastdone", "Step complete — but the lesson is not: steps {steps} have not passed yet.", "Passo concluído — mas a lição ainda não: os passos {steps} ainda não passaram."),
    ("lesson.st_passed", "passed:", "concluído:"),
    ("lesson.st_skipped", "skipped:", "pulado:"),
    ("lesson.st_todo", "not done yet:", "ainda não feito:"),
    ("lesson.restart_help", "Put this step back as it starts (the state the earlier steps leave).", "Volta este passo ao início (o estado que os passos anteriores deixam)."),
    ("lesson.solution", "Solution", "Solução"),
    ("lesson.print", "Print handout", "Imprimir apostila"),
    ("lesson.print_help", "A printable page with the lesson's instructions and commands.", "Uma página para imprimir com as instruções e os comandos da lição."),
    ("exam.left", "Time left", "Tempo restante"),
    ("exam.finish", "Hand in", "Entregar"),
    ("exam.again", "New attempt", "Nova tentativa"),
    ("exam.rules", "Exam: each task is checked when you leave it and at the end. Hints, solutions and the “What happened” notes open when the exam ends.", "Prova: cada tarefa é conferida quando você sai dela e no fim. Dicas, soluções e as notas “O que aconteceu” abrem quando a prova termina."),
    ("exam.nolive", "These are checked at the end.", "Isto é conferido no fim."),
    ("exam.locked", "Hints and the solution open when the exam ends.", "As dicas e a solução abrem quando a prova termina."),
    ("exam.score", "Score: {p} of {n} tasks", "Nota: {p} de {n} tarefas"),
    ("exam.failed", "failed:", "falhou:"),
    ("exam.minutes", "Time allowed: {n} minutes.", "Tempo: {n} minutos."),
    ("start.title", "New here? Start with lesson 1", "Primeira vez? Comece pela lição 1"),
    ("start.text", "Each lesson gives you short tasks to type in the terminal on the left, and checks them as you go. Nothing to install.", "Cada lição traz tarefas curtas para digitar no terminal à esquerda e confere cada uma enquanto você avança. Nada para instalar."),
    ("start.button", "Start lesson 1", "Começar a lição 1"),
    ("start.dismiss", "Not now", "Agora não"),
    ("progress.title", "Your progress as a file", "Seu progresso em arquivo"),
    ("progress.name", "Your name", "Seu nome"),
    ("progress.export", "Export progress", "Exportar progresso"),
    ("progress.import", "Import progress…", "Importar progresso…"),
    ("class.title", "Class view (for instructors)", "Visão da turma (para instrutores)"),
    ("class.help", "Open the progress files your learners exported: one row per learner.", "Abra os arquivos de progresso que seus alunos exportaram: uma linha por aluno."),
    ("class.open", "Open progress files…", "Abrir arquivos de progresso…"),
    ("class.learner", "Learner", "Aluno"),
    ("class.legend", "✓ passed · ↷ skipped · · not yet", "✓ concluído · ↷ pulado · · ainda não"),
    ("term.keys", "On-screen keys", "Teclas na tela"),
    ("term.ctrlc", "Cancel (Ctrl+C)", "Cancelar (Ctrl+C)"),
    ("term.tab", "Complete (Tab)", "Completar (Tab)"),
    ("term.up", "Previous command (↑)", "Comando anterior (↑)"),
    ("insp.revision", "Revision", "Revisão"),
    ("insp.compacted", "Compacted at", "Compactado em"),
    ("insp.filter", "Prefix", "Prefixo"),
    ("insp.count_one", "{n} key matches", "{n} chave corresponde"),
    ("insp.count_many", "{n} keys match", "{n} chaves correspondem"),
    ("insp.shown_one", "({n} shown).", "({n} exibida)."),
    ("insp.shown_many", "({n} shown).", "({n} exibidas)."),
    ("insp.click", "Click a key to see its history.", "Clique numa chave para ver o histórico dela."),
    ("insp.create", "created (rev)", "criada (rev)"),
    ("insp.mod", "modified (rev)", "modificada (rev)"),
    ("insp.version", "version", "versão"),
    ("insp.lease", "lease", "lease"),
    ("insp.key", "Key", "Chave"),
    ("insp.value", "Value", "Valor"),
    ("insp.timeline", "History of {key}", "Histórico de {key}"),
    ("insp.now", "now {n}", "agora {n}"),
    ("insp.compacted_upto", "compacted ≤ {n}", "compactado ≤ {n}"),
    ("insp.older", " (+{n} older)", " (+{n} anteriores)"),
    ("insp.nohistory", "This key has no history left in the store.", "Esta chave não tem mais histórico no store."),
    ("files.cwd", "Current directory", "Diretório atual"),
    ("files.upload", "Upload into current directory", "Enviar para o diretório atual"),
    ("files.hint", "You can also drop files onto the terminal (up to 16 MiB each).", "Você também pode soltar arquivos sobre o terminal (até 16 MiB cada)."),
    ("files.tree", "Files", "Arquivos"),
    ("files.download", "Download", "Baixar"),
    ("files.edit", "Edit", "Editar"),
    ("files.editor", "File contents", "Conteúdo do arquivo"),
    ("files.save", "Save", "Salvar"),
    ("files.cancel", "Cancel", "Cancelar"),
    ("files.binary", "Binary file, {n} bytes.", "Arquivo binário, {n} bytes."),
    ("files.cert", "Certificate, decoded", "Certificado, decodificado"),
    ("files.subject", "Subject", "Titular (subject)"),
    ("files.issuer", "Issuer", "Emissor (issuer)"),
    ("files.serial", "Serial number", "Número de série"),
    ("files.not_before", "Not before", "Válido a partir de"),
    ("files.not_after", "Not after", "Válido até"),
    ("files.valid", "valid now", "válido agora"),
    ("files.expired", "EXPIRED", "EXPIRADO"),
    ("files.not_yet", "not valid yet", "ainda não é válido"),
    ("files.sans", "Subject alternative names (SANs)", "Nomes alternativos (SANs)"),
    ("files.none", "(none)", "(nenhum)"),
    ("files.key_usage", "Key usage", "Uso da chave"),
    ("files.eku", "Extended key usage", "Uso estendido da chave"),
    ("files.is_ca", "CA", "CA"),
    ("files.ca", "yes: a certificate authority, it signs other certificates", "sim: uma autoridade certificadora, assina outros certificados"),
    ("files.signed_by", "Signed by (CA file)", "Assinado por (arquivo da CA)"),
    ("files.self_signed", "itself (a self-signed root CA)", "ele mesmo (uma CA raiz autoassinada)"),
    ("files.signer_unknown", "no CA certificate on this node holds the key that signed it", "nenhum certificado de CA neste nó tem a chave que o assinou"),
    ("files.badcert", "This file does not decode as a certificate:", "Este arquivo não decodifica como certificado:"),
    ("files.key", "Private key — never share it. Whoever has it can pose as the owner of the matching certificate (the .crt beside it). It is not decoded here.", "Chave privada — nunca a compartilhe. Quem a tiver pode se passar pelo dono do certificado correspondente (o .crt ao lado). Ela não é decodificada aqui."),
    ("files.snapshot", "etcd snapshot: etcdutl snapshot status -w table", "Snapshot do etcd: etcdutl snapshot status -w table"),
    ("files.snap_bad", "Not a valid etcd snapshot.", "Não é um snapshot válido do etcd."),
];

/// The UI text for `key` in `lang`; an unknown key shows itself so the gap is visible.
pub fn t(lang: Lang, key: &str) -> &str {
    STRINGS.iter().find(|(k, _, _)| *k == key).map(|(_, en, pt)| lang.pick(en, pt)).unwrap_or(key)
}

/// The key inspector's count line, with singular and plural in both languages:
/// "1 key matches (1 shown)." / "282 chaves correspondem (1 exibida)."
pub fn insp_count(lang: Lang, n: usize, shown: usize) -> String {
    format!(
        "{} {} {}",
        Lang::plural(n, t(lang, "insp.count_one"), t(lang, "insp.count_many")),
        Lang::plural(shown, t(lang, "insp.shown_one"), t(lang, "insp.shown_many")),
        t(lang, "insp.click")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inspector_count_agrees_in_number() {
        assert_eq!(insp_count(Lang::Pt, 282, 1), "282 chaves correspondem (1 exibida). Clique numa chave para ver o histórico dela.");
        assert_eq!(insp_count(Lang::Pt, 1, 1), "1 chave corresponde (1 exibida). Clique numa chave para ver o histórico dela.");
        assert_eq!(insp_count(Lang::Pt, 0, 0), "0 chaves correspondem (0 exibidas). Clique numa chave para ver o histórico dela.");
        assert_eq!(insp_count(Lang::En, 1, 1), "1 key matches (1 shown). Click a key to see its history.");
        assert_eq!(insp_count(Lang::En, 282, 200), "282 keys match (200 shown). Click a key to see its history.");
    }

    #[test]
    fn every_string_has_both_languages() {
        for (k, en, pt) in STRINGS {
            assert!(!en.is_empty() && !pt.is_empty(), "{k} lacks a translation");
        }
        assert_eq!(t(Lang::Pt, "lang.switch"), "Idioma");
        assert_eq!(t(Lang::En, "lang.switch"), "Language");
    }

    #[test]
    fn the_browser_language_picks_the_page_language() {
        assert_eq!(Lang::from_browser("pt-BR"), Lang::Pt);
        assert_eq!(Lang::from_browser("pt"), Lang::Pt);
        assert_eq!(Lang::from_browser("PT_pt"), Lang::Pt);
        assert_eq!(Lang::from_browser("en-US"), Lang::En);
        assert_eq!(Lang::from_browser("de"), Lang::En);
        assert_eq!(Lang::from_browser(""), Lang::En);
        assert_eq!(Lang::from_browser("ptx"), Lang::En);
    }

    #[test]
    fn plurals_agree_with_the_count() {
        assert_eq!(Lang::plural(1, "{n} chave exibida", "{n} chaves exibidas"), "1 chave exibida");
        assert_eq!(Lang::plural(282, "{n} chave exibida", "{n} chaves exibidas"), "282 chaves exibidas");
        assert_eq!(Lang::plural(0, "{n} key", "{n} keys"), "0 keys");
    }
}
