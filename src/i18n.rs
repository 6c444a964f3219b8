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
    ("cluster.edge_ok", "handshake OK", "handshake OK"),
    ("cluster.edge_broken", "handshake fails", "falha no handshake"),
    ("cluster.unset", "(not set)", "(não definido)"),
    ("cluster.kubelet_probe", "kubelet (health check)", "kubelet (verificação de saúde)"),
    ("cluster.probe_ok", "probe OK, no certificate", "verificação OK, sem certificado"),
    ("cluster.probe_broken", "probe fails", "falha na verificação"),
    ("lesson.sandbox", "Sandbox (no lesson)", "Sandbox (sem lição)"),
    ("lesson.list", "Course", "Curso"),
    ("lesson.load", "Load a lesson", "Carregar uma lição"),
    ("lesson.file", "From a file…", "De um arquivo…"),
    ("lesson.url", "From a URL", "De uma URL"),
    ("lesson.load_go", "Load", "Carregar"),
    ("lesson.loading", "Loading the lessons…", "Carregando as lições…"),
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
    ("insp.revision", "Revision", "Revisão"),
    ("insp.compacted", "Compacted at", "Compactado em"),
    ("insp.filter", "Prefix", "Prefixo"),
    ("insp.col_create", "create", "criação"),
    ("insp.col_mod", "mod", "modificação"),
    ("insp.col_version", "version", "versão"),
    ("insp.col_lease", "lease", "lease"),
    ("insp.ev_put", "revision {rev}: put, version {version}: {value}", "revisão {rev}: put, versão {version}: {value}"),
    ("insp.ev_del", "revision {rev}: delete (the key's history ends here)", "revisão {rev}: delete (o histórico da chave termina aqui)"),
    ("insp.ev_sub", " (operation {sub} of its transaction)", " (operação {sub} da transação)"),
    ("insp.ev_compacted", " (compacted)", " (compactada)"),
    ("insp.count.hint", "Click a key to see its history.", "Clique numa chave para ver o histórico dela."),
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
/// "1 key matches (1 shown)." / "282 chaves encontradas (1 exibida)."
pub fn insp_count(lang: Lang, n: usize, shown: usize) -> String {
    let (en_n, pt_n) = if n == 1 { ("key matches", "chave encontrada") } else { ("keys match", "chaves encontradas") };
    let pt_shown = if shown == 1 { "exibida" } else { "exibidas" };
    match lang {
        Lang::En => format!("{n} {en_n} ({shown} shown). {}", t(lang, "insp.count.hint")),
        Lang::Pt => format!("{n} {pt_n} ({shown} {pt_shown}). {}", t(lang, "insp.count.hint")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inspector_count_agrees_in_number() {
        assert_eq!(insp_count(Lang::Pt, 282, 1), "282 chaves encontradas (1 exibida). Clique numa chave para ver o histórico dela.");
        assert_eq!(insp_count(Lang::Pt, 1, 1), "1 chave encontrada (1 exibida). Clique numa chave para ver o histórico dela.");
        assert_eq!(insp_count(Lang::Pt, 0, 0), "0 chaves encontradas (0 exibidas). Clique numa chave para ver o histórico dela.");
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
}
