//! Synthetic archive documents for tests and benches (feature `fixtures`): a CDA and its
//! transfer frame built from a valid content document (e.g.
//! `sosmeta_model::samples::maximal`), with one [`Fault`] at a time.
//!
//! Every value here is invented (organisation OIDs under `1.2.246.10.99999999`, test
//! hetus); nothing is copied from real documents.

use base64::Engine;
use serde_json::Value;
use sosmeta_model::{samples, Definition};

/// The organisation that keeps the register in the fixtures.
pub const CUSTODIAN_OID: &str = "1.2.246.10.99999999.10.0";
/// A joining-model code system used by the private-provider fixtures (GUESS: the real
/// classification's OID is not in our sources; see `data/kanta.json`).
pub const JOINING_MODEL_SYSTEM: &str = "1.2.246.537.6.99999.202401";

/// Everything a fixture varies.
#[derive(Debug, Clone)]
pub struct Spec {
    /// `contentSpecificationId` (dotted).
    pub content_specification_id: String,
    /// The Sosmeta JSON document inside.
    pub content: Value,
    /// `id@root`.
    pub document_id: String,
    /// `setId@root`.
    pub set_id: String,
    /// `versionNumber@value`.
    pub version: String,
    /// `effectiveTime@value`.
    pub effective_time: String,
    /// `localSocialHeader/creationTime@value`.
    pub creation_time: String,
    /// `realmCode@code`.
    pub realm: String,
    /// `typeId@extension`.
    pub type_id_extension: String,
    /// `code`: `(code, codeSystem, displayName)`, or `None` for `nullFlavor="NA"`.
    pub code: Option<(String, String, String)>,
    /// `confidentialityCode@code`, `@codeSystem`.
    pub confidentiality: (String, String),
    /// `languageCode@code`; `None` leaves the element out.
    pub language: Option<String>,
    /// The client's hetu.
    pub patient_hetu: String,
    /// The recorder: `(given, family, id root, id extension)`; `None` for nullFlavor.
    pub author: Option<(String, String, String, String)>,
    /// `documentGroup@code`.
    pub document_group: String,
    /// `specificDocumentType@code` (client documents).
    pub specific_document_type: Option<String>,
    /// `functionCode`: `(code, codeSystem)`.
    pub function_code: Option<(String, String)>,
    /// `nonXMLBody@ID`.
    pub body_id: String,
    /// The display form's root `div@id`.
    pub display_id: String,
    /// The display form as written, when not the generated fragment.
    pub display_override: Option<String>,
    /// The base64 of the display form, when not the encoded fragment.
    pub display_base64_override: Option<String>,
    /// The base64 of the JSON, when not the encoded content.
    pub json_base64_override: Option<String>,
    /// Leave `nonXMLBody/hl7fi:json` out.
    pub no_json: bool,
    /// The URI bound to the `hl7fi` prefix.
    pub fi_namespace: String,
    /// The root's default namespace.
    pub root_namespace: String,
    /// Write the XML declaration.
    pub xml_declaration: bool,
    /// The frame's root element name.
    pub frame_root: String,
    /// The frame's interactionId@extension.
    pub frame_interaction: String,
    /// The frame's service request (SP1 / SP17).
    pub service_request: String,
    /// The frame's `clinicalDocument/effectiveTime` when it should differ.
    pub frame_effective_time: Option<String>,
    /// The joining model code the frame states, if any.
    pub joining_model: Option<String>,
    /// The organiser (`outsourcingServiceCustomer@root`; the custodian by default).
    pub organiser: String,
    /// The frame's `sender/device/id@root` (the custodian by default).
    pub sender: String,
}

/// A provider's organisation OID, for purchased-service fixtures.
pub const PROVIDER_OID: &str = "1.2.246.10.77777777.10.0";

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// Base64 wrapped at 76 characters on indented lines, as client systems write it.
pub fn wrapped_base64(bytes: &[u8]) -> String {
    let b = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut out = String::with_capacity(b.len() + b.len() / 76 * 5 + 8);
    for chunk in b.as_bytes().chunks(76) {
        out.push_str("\n\t\t\t\t");
        out.push_str(std::str::from_utf8(chunk).unwrap_or(""));
    }
    out.push_str("\n\t\t\t");
    out
}

/// A hetu-shaped test identity code with a valid check character (from the model's
/// sample generator).
fn hetu(n: usize) -> String {
    samples::sample_hetu(n)
}

impl Spec {
    /// A clean fixture for a definition, with its maximal sample as content. Client
    /// documents (`1.2.246.537.6.1506.*`) get documentGroup 5 and a recorder who is the
    /// content's first author (laatija); an asiakkuusasiakirja gets documentGroup 1, a
    /// nullFlavor author and `code nullFlavor="NA"`.
    pub fn for_definition(def: &Definition) -> Spec {
        Spec::with_content(def, samples::maximal(def))
    }

    /// A clean fixture for a definition with the given content.
    pub fn with_content(def: &Definition, content: Value) -> Spec {
        let document_id = "1.2.246.10.99999999.95777.2026.1000001".to_string();
        let client = def.oid().strip_prefix("1.2.246.537.6.1506.");
        let group = def.oid().strip_prefix("1.2.246.537.6.1505.");
        let author = sosmeta_validate::authors::authors(def, &content)
            .and_then(|a| a.into_iter().next())
            .map(|a| {
                let value = content.pointer(&a.pointer).cloned().unwrap_or(Value::Null);
                let hetu_id = value.as_object().and_then(|o| {
                    o.values().find_map(|v| {
                        (v.get("system").and_then(Value::as_str) == Some(samples::HETU_SYSTEM))
                            .then(|| v.get("value").and_then(Value::as_str))
                            .flatten()
                            .map(str::to_string)
                    })
                });
                let (root, ext) = match hetu_id {
                    Some(h) => ("1.2.246.21".to_string(), h),
                    None => ("1.2.246.537.26".to_string(), "100012345".to_string()),
                };
                (
                    a.given_names.unwrap_or_else(|| "Testi".into()),
                    a.family_name.unwrap_or_else(|| "Tallentaja".into()),
                    root,
                    ext,
                )
            });
        Spec {
            content_specification_id: def.id.dotted(),
            content,
            set_id: document_id.clone(),
            body_id: format!("OID{document_id}"),
            display_id: format!("OID{document_id}"),
            document_id,
            version: "1".into(),
            effective_time: "20260302091500+0200".into(),
            creation_time: "20260302091500+0200".into(),
            realm: "FI".into(),
            type_id_extension: "POCD_HD000040".into(),
            code: client.map(|_| {
                (
                    "15".to_string(),
                    "1.2.246.537.6.1506.201701".to_string(),
                    "Suunnitelma".to_string(),
                )
            }),
            confidentiality: ("6".into(), "1.2.246.777.5.99902.2006".into()),
            language: Some("fi".into()),
            patient_hetu: hetu(3),
            author,
            document_group: match (client, group) {
                (Some(_), _) => "5".into(),
                (None, Some(g)) => g.to_string(),
                _ => "5".into(),
            },
            specific_document_type: client.map(str::to_string),
            function_code: client
                .map(|_| ("24".to_string(), "1.2.246.537.6.1221.201601".to_string())),
            display_override: None,
            display_base64_override: None,
            json_base64_override: None,
            no_json: false,
            fi_namespace: "urn:hl7finland".into(),
            root_namespace: "urn:hl7-org:v3".into(),
            xml_declaration: true,
            frame_root: "RCMR_IN200002FI01".into(),
            frame_interaction: "RCMR_IN200002FI01".into(),
            service_request: if client.is_some() { "SP17" } else { "SP1" }.into(),
            frame_effective_time: None,
            joining_model: None,
            organiser: CUSTODIAN_OID.into(),
            sender: CUSTODIAN_OID.into(),
        }
    }

    fn display_xhtml(&self) -> String {
        if let Some(d) = &self.display_override {
            return d.clone();
        }
        let key = self
            .content
            .as_object()
            .and_then(|o| o.keys().next())
            .cloned()
            .unwrap_or_default();
        let mut items = String::new();
        if let Some(v) = self.content.get(&key) {
            render(v, "", 1, &mut items);
        }
        format!(
            "\r\n<div class=\"soc-document\" id=\"{}\" xmlns=\"http://www.w3.org/1999/xhtml\"><div class=\"soc-header\"><p>Testiorganisaatio</p></div><div class=\"soc-main-wrapper\"><h1 class=\"soc-fulltitle\">{}</h1><div class=\"soc-list\">{items}</div></div><div class=\"soc-footer\"/></div>",
            xml_escape(&self.display_id),
            xml_escape(&key)
        )
    }

    /// The CDA text.
    pub fn cda(&self) -> String {
        let e = xml_escape;
        let mut x = String::with_capacity(8192);
        if self.xml_declaration {
            x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        }
        x.push_str(&format!(
            "<ClinicalDocument xmlns=\"{}\" xmlns:hl7fi=\"{}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n",
            e(&self.root_namespace),
            e(&self.fi_namespace)
        ));
        x.push_str(&format!("\t<realmCode code=\"{}\"/>\n", e(&self.realm)));
        x.push_str(&format!(
            "\t<typeId root=\"2.16.840.1.113883.1.3\" extension=\"{}\"/>\n",
            e(&self.type_id_extension)
        ));
        x.push_str(&format!("\t<id root=\"{}\"/>\n", e(&self.document_id)));
        match &self.code {
            Some((c, s, d)) => x.push_str(&format!(
                "\t<code code=\"{}\" codeSystem=\"{}\" displayName=\"{}\"/>\n",
                e(c),
                e(s),
                e(d)
            )),
            None => x.push_str("\t<code nullFlavor=\"NA\"/>\n"),
        }
        x.push_str(&format!(
            "\t<effectiveTime value=\"{}\"/>\n",
            e(&self.effective_time)
        ));
        x.push_str(&format!(
            "\t<confidentialityCode code=\"{}\" codeSystem=\"{}\" displayName=\"Sosiaalihuollon salassapidettävä\"/>\n",
            e(&self.confidentiality.0),
            e(&self.confidentiality.1)
        ));
        if let Some(l) = &self.language {
            x.push_str(&format!("\t<languageCode code=\"{}\"/>\n", e(l)));
        }
        x.push_str(&format!("\t<setId root=\"{}\"/>\n", e(&self.set_id)));
        x.push_str(&format!(
            "\t<versionNumber value=\"{}\"/>\n",
            e(&self.version)
        ));
        x.push_str(&format!(
            "\t<recordTarget>\n\t\t<patientRole>\n\t\t\t<id root=\"1.2.246.21\" extension=\"{}\"/>\n\t\t\t<patient>\n\t\t\t\t<name><given>Aino</given><family>Testinen</family></name>\n\t\t\t\t<administrativeGenderCode code=\"2\" codeSystem=\"1.2.246.537.5.1.1997\" displayName=\"Nainen\"/>\n\t\t\t\t<birthTime value=\"19521013\"/>\n\t\t\t</patient>\n\t\t</patientRole>\n\t</recordTarget>\n",
            e(&self.patient_hetu)
        ));
        match &self.author {
            Some((g, f, root, ext)) => x.push_str(&format!(
                "\t<author>\n\t\t<time value=\"{}\"/>\n\t\t<assignedAuthor>\n\t\t\t<id root=\"{}\" extension=\"{}\"/>\n\t\t\t<assignedPerson><name><given>{}</given><family>{}</family></name></assignedPerson>\n\t\t</assignedAuthor>\n\t</author>\n",
                e(&self.effective_time),
                e(root),
                e(ext),
                e(g),
                e(f)
            )),
            None => x.push_str(
                "\t<author>\n\t\t<time nullFlavor=\"NA\"/>\n\t\t<assignedAuthor>\n\t\t\t<id nullFlavor=\"NA\"/>\n\t\t</assignedAuthor>\n\t</author>\n",
            ),
        }
        x.push_str(&format!(
            "\t<custodian>\n\t\t<assignedCustodian>\n\t\t\t<representedCustodianOrganization>\n\t\t\t\t<id root=\"{CUSTODIAN_OID}\"/>\n\t\t\t\t<name>Testin hyvinvointialue</name>\n\t\t\t</representedCustodianOrganization>\n\t\t</assignedCustodian>\n\t</custodian>\n"
        ));
        x.push_str("\t<authorization>\n\t\t<consent>\n\t\t\t<code code=\"1\" codeSystem=\"1.2.246.537.6.1286.201901\"/>\n\t\t\t<statusCode code=\"completed\"/>\n\t\t</consent>\n\t</authorization>\n");
        x.push_str("\t<componentOf>\n\t\t<encompassingEncounter>\n\t\t\t<id root=\"1.2.246.10.99999999.95777.2026.2000001\"/>\n\t\t\t<effectiveTime nullFlavor=\"NA\"/>\n\t\t\t<encounterParticipant typeCode=\"ADM\">\n\t\t\t\t<assignedEntity>\n\t\t\t\t\t<id nullFlavor=\"NA\"/>\n\t\t\t\t\t<representedOrganization>\n\t\t\t\t\t\t<id root=\"1.2.246.10.99999999.10.2001\"/>\n\t\t\t\t\t\t<name>Testin perhepalvelut</name>\n\t\t\t\t\t</representedOrganization>\n\t\t\t\t</assignedEntity>\n\t\t\t</encounterParticipant>\n\t\t</encompassingEncounter>\n\t</componentOf>\n");
        x.push_str("\t<hl7fi:localSocialHeader>\n");
        x.push_str(&format!(
            "\t\t<hl7fi:creationTime value=\"{}\"/>\n",
            e(&self.creation_time)
        ));
        if let Some(s) = &self.specific_document_type {
            x.push_str(&format!(
                "\t\t<hl7fi:specificDocumentType code=\"{}\" codeSystem=\"1.2.246.537.6.1506.201701\"/>\n",
                e(s)
            ));
        }
        x.push_str(&format!(
            "\t\t<hl7fi:documentGroup code=\"{}\" codeSystem=\"1.2.246.537.6.1505.201601\"/>\n",
            e(&self.document_group)
        ));
        x.push_str("\t\t<hl7fi:fileFormat code=\"2\" codeSystem=\"1.2.246.537.6.1502.201601\" displayName=\"XHTML_1.1\"/>\n");
        x.push_str("\t\t<hl7fi:structuredFileFormat code=\"5\" codeSystem=\"1.2.246.537.5.40179.2008\" displayName=\"JSON\"/>\n");
        x.push_str("\t\t<hl7fi:softwareSupport moderator=\"Testitoimittaja Oy\" product=\"Testijärjestelmä\" version=\"1.0\"/>\n");
        x.push_str("\t\t<hl7fi:recordStatus code=\"3\" codeSystem=\"1.2.246.537.5.40154.2008\" displayName=\"Arkistointivalmis\"/>\n");
        x.push_str(
            "\t\t<hl7fi:registryType code=\"1\" codeSystem=\"1.2.246.537.6.1264.201701\"/>\n",
        );
        x.push_str(&format!(
            "\t\t<hl7fi:outsourcingServiceCustomer root=\"{}\"/>\n\t\t<hl7fi:outsourcingServiceCustomerName>Testin hyvinvointialue</hl7fi:outsourcingServiceCustomerName>\n",
            e(&self.organiser)
        ));
        x.push_str("\t\t<hl7fi:totalRetentionPeriodClass code=\"1\" codeSystem=\"1.2.246.537.6.1258.201601\"/>\n");
        x.push_str(
            "\t\t<hl7fi:specialContent code=\"E\" codeSystem=\"1.2.246.537.6.112.2007\"/>\n",
        );
        x.push_str(&format!(
            "\t\t<hl7fi:contentSpecificationId>{}</hl7fi:contentSpecificationId>\n",
            e(&self.content_specification_id)
        ));
        if let Some((c, s)) = &self.function_code {
            x.push_str(&format!(
                "\t\t<hl7fi:functionCode code=\"{}\" codeSystem=\"{}\"/>\n",
                e(c),
                e(s)
            ));
        }
        x.push_str(&format!(
            "\t\t<hl7fi:signatureCollection>\n\t\t\t<hl7fi:signature ID=\"sig.1\">\n\t\t\t\t<hl7fi:signatureDescription code=\"3\" codeSystem=\"1.2.246.537.5.40127.2006\"/>\n\t\t\t\t<hl7fi:signatureTimestamp ID=\"ts.1\">2026-03-02T07:15:00Z</hl7fi:signatureTimestamp>\n\t\t\t\t<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo><Reference URI=\"#OID{}\"><DigestValue>AAAA</DigestValue></Reference></SignedInfo><SignatureValue>AAAA</SignatureValue></Signature>\n\t\t\t</hl7fi:signature>\n\t\t</hl7fi:signatureCollection>\n",
            e(&self.document_id)
        ));
        x.push_str("\t</hl7fi:localSocialHeader>\n");
        x.push_str(&format!(
            "\t<component>\n\t\t<nonXMLBody ID=\"{}\">\n",
            e(&self.body_id)
        ));
        let display = match &self.display_base64_override {
            Some(b) => b.clone(),
            None => wrapped_base64(self.display_xhtml().as_bytes()),
        };
        x.push_str(&format!(
            "\t\t\t<text mediaType=\"application/xhtml+xml\" representation=\"B64\">{display}</text>\n"
        ));
        if !self.no_json {
            let json = match &self.json_base64_override {
                Some(b) => b.clone(),
                None => wrapped_base64(&serde_json::to_vec(&self.content).unwrap_or_default()),
            };
            x.push_str(&format!("\t\t\t<hl7fi:json>{json}</hl7fi:json>\n"));
        }
        x.push_str("\t\t</nonXMLBody>\n\t</component>\n</ClinicalDocument>\n");
        x
    }

    /// The transfer frame text.
    pub fn frame(&self) -> String {
        let e = xml_escape;
        let joining = self
            .joining_model
            .as_ref()
            .map(|c| {
                format!(
                    "\t\t<reasonCode code=\"{}\" codeSystem=\"{JOINING_MODEL_SYSTEM}\" displayName=\"Liittymismalli\"/>\n",
                    e(c)
                )
            })
            .unwrap_or_default();
        let author = match &self.author {
            Some((g, f, root, ext)) => format!(
                "<id root=\"{}\" extension=\"{}\"/><assignedPerson><name><family>{}</family><given>{}</given></name></assignedPerson>",
                e(root),
                e(ext),
                e(f),
                e(g)
            ),
            None => "<id nullFlavor=\"NA\"/>".to_string(),
        };
        format!(
            r#"<{root} xmlns="urn:hl7-org:v3" ITSVersion="XML_1.0">
	<id root="{CUSTODIAN_OID}" extension="42"/>
	<creationTime value="{created}"/>
	<interactionId root="2.16.840.1.113883.1.6" extension="{interaction}"/>
	<processingCode code="P"/>
	<processingModeCode code="T"/>
	<acceptAckCode code="ER"/>
	<receiver typeCode="RCV"><device classCode="DEV" determinerCode="INSTANCE"><id root="1.2.246.556.18007.2"/></device></receiver>
	<sender typeCode="SND"><device classCode="DEV" determinerCode="INSTANCE"><id root="{sender}"/></device></sender>
	<controlActProcess classCode="CACT" moodCode="EVN">
		<code code="RCMR_TE000102UV01" codeSystem="2.16.840.1.113883.1.18"/>
		<reasonCode code="{sr}" codeSystem="1.2.246.537.6.1503.201601"/>
		<reasonCode code="1" codeSystem="1.2.246.537.6.1289.201901"/>
{joining}		<authorOrPerformer typeCode="PRF">
			<assignedPerson>
				<id root="1.2.246.21" extension="{sender_hetu}"/>
				<assignedPerson><name><family>Lähettäjä</family><given>Testi</given></name></assignedPerson>
				<representedOrganization><id root="1.2.246.10.99999999.10.2001"/><name>Testin perhepalvelut</name></representedOrganization>
			</assignedPerson>
		</authorOrPerformer>
		<subject>
			<clinicalDocument classCode="DOCCLIN" moodCode="EVN">
				<realmCode code="FI"/>
				<typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
				<id root="{id}"/>
				<code code="1" codeSystem="1.2.246.537.6.1264.201701"/>
				<statusCode code="COMPLETED"/>
				<effectiveTime value="{effective}"/>
				<setId root="{set_id}"/>
				<versionNumber value="{version}"/>
				<completionCode code="LA" codeSystem="1.2.246.537.5.40115.2006"/>
				<storageCode code="AC" codeSystem="1.2.246.537.5.40116.2006"/>
				<recordTarget typeCode="RCT"><patient classCode="PAT"><id root="1.2.246.21" extension="{patient}"/><patientPerson><name><family>Testinen</family><given>Aino</given></name><birthTime value="19521013"/></patientPerson></patient></recordTarget>
				<author typeCode="AUT"><time nullFlavor="NA"/><assignedAuthor>{author}</assignedAuthor></author>
				<custodian typeCode="CST"><assignedCustodian><representedOrganization><id root="{CUSTODIAN_OID}"/></representedOrganization></assignedCustodian></custodian>
			</clinicalDocument>
		</subject>
	</controlActProcess>
</{root}>
"#,
            root = e(&self.frame_root),
            created = e(&self.creation_time),
            interaction = e(&self.frame_interaction),
            sr = e(&self.service_request),
            sender = e(&self.sender),
            sender_hetu = hetu(5),
            id = e(&self.document_id),
            effective = e(self
                .frame_effective_time
                .as_ref()
                .unwrap_or(&self.effective_time)),
            set_id = e(&self.set_id),
            version = e(&self.version),
            patient = e(&self.patient_hetu),
        )
    }
}

/// One fault at a time, each meant to trigger one archive rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `cda.encoding`: a Latin-1 byte in the CDA.
    NotUtf8,
    /// `cda.xml`: the last end tag cut off.
    IllFormed,
    /// `cda.xml-declaration`.
    NoXmlDeclaration,
    /// `cda.root`: the root in another namespace.
    RootNamespace,
    /// `cda.namespace`: `hl7fi` bound to another URI.
    FinnishNamespace,
    /// `cda.realm`.
    Realm,
    /// `cda.type-id`.
    TypeId,
    /// `cda.body-id`.
    BodyId,
    /// `header.required`: no `languageCode`.
    MissingLanguage,
    /// `header.set-id`.
    SetId,
    /// `header.code-system`: confidentialityCode in another code system.
    CodeSystem,
    /// `header.service-task`: functionCode in the old service classification.
    ServiceTask,
    /// `header.code-unknown` (with a koodistot bundle): confidentiality code `66`.
    CodeUnknown,
    /// `header.code-inactive` (with a koodistot bundle): confidentiality code `7`, which
    /// the test bundle has expired in 2020.
    CodeInactive,
    /// `header.time`: effectiveTime 30 February.
    Time,
    /// `header.recorder`: a recorder who is not a laatija.
    RecorderNotAuthor,
    /// `header.recorder`: a nullFlavor recorder on a client document.
    RecorderNull,
    /// `body.required`: no `hl7fi:json`.
    NoJson,
    /// `body.display-base64`.
    DisplayBase64,
    /// `body.display-xhtml`: an XHTML page instead of a fragment.
    DisplayXhtml,
    /// `body.display-id`.
    DisplayId,
    /// `body.json-base64`.
    JsonBase64,
    /// `definition.unknown`.
    UnknownDefinition,
    /// `definition.root-key`: the content under another root key.
    RootKey,
    /// `definition.document-type`: documentGroup / specificDocumentType of another
    /// definition.
    DocumentType,
    /// `phase.expired`: a client document of documentGroup 3 stored on 2.9.2026.
    PhaseExpired,
    /// `frame.xml`.
    FrameIllFormed,
    /// `frame.root`.
    FrameRoot,
    /// `frame.interaction`.
    FrameInteraction,
    /// `frame.service-request`: the other service request.
    ServiceRequest,
    /// `frame.mismatch`: the frame's effectiveTime a minute later.
    FrameMismatch,
    /// A content fault: an unknown element inside the JSON (`schema.additional-properties`).
    ContentExtraElement,
    /// `register.custodian`: an organiser other than the custodian.
    RegisterCustodian,
    /// `register.not-open`: a provider sends a purchased service's document before the
    /// organiser's register opens (the fixture's date is 2.3.2026).
    RegisterNotOpen,
    /// `frame.usage-situation`: a purchased service after the register opens, sent as
    /// the organiser's own use.
    UsageSituation,
}

impl Fault {
    /// Every fault.
    pub const ALL: &'static [Fault] = &[
        Fault::NotUtf8,
        Fault::IllFormed,
        Fault::NoXmlDeclaration,
        Fault::RootNamespace,
        Fault::FinnishNamespace,
        Fault::Realm,
        Fault::TypeId,
        Fault::BodyId,
        Fault::MissingLanguage,
        Fault::SetId,
        Fault::CodeSystem,
        Fault::ServiceTask,
        Fault::CodeUnknown,
        Fault::CodeInactive,
        Fault::Time,
        Fault::RecorderNotAuthor,
        Fault::RecorderNull,
        Fault::NoJson,
        Fault::DisplayBase64,
        Fault::DisplayXhtml,
        Fault::DisplayId,
        Fault::JsonBase64,
        Fault::UnknownDefinition,
        Fault::RootKey,
        Fault::DocumentType,
        Fault::PhaseExpired,
        Fault::FrameIllFormed,
        Fault::FrameRoot,
        Fault::FrameInteraction,
        Fault::ServiceRequest,
        Fault::FrameMismatch,
        Fault::ContentExtraElement,
        Fault::RegisterCustodian,
        Fault::RegisterNotOpen,
        Fault::UsageSituation,
    ];

    /// The rule the fault triggers.
    pub fn rule(self) -> sosmeta_validate::Rule {
        use crate::rules::ids::*;
        match self {
            Fault::NotUtf8 => CDA_ENCODING,
            Fault::IllFormed => CDA_XML,
            Fault::NoXmlDeclaration => CDA_XML_DECLARATION,
            Fault::RootNamespace => CDA_ROOT,
            Fault::FinnishNamespace => CDA_NAMESPACE,
            Fault::Realm => CDA_REALM,
            Fault::TypeId => CDA_TYPE_ID,
            Fault::BodyId => CDA_BODY_ID,
            Fault::MissingLanguage => HEADER_REQUIRED,
            Fault::SetId => HEADER_SET_ID,
            Fault::CodeSystem => HEADER_CODE_SYSTEM,
            Fault::ServiceTask => HEADER_SERVICE_TASK,
            Fault::CodeUnknown => HEADER_CODE_UNKNOWN,
            Fault::CodeInactive => HEADER_CODE_INACTIVE,
            Fault::Time => HEADER_TIME,
            Fault::RecorderNotAuthor | Fault::RecorderNull => HEADER_RECORDER,
            Fault::NoJson => BODY_REQUIRED,
            Fault::DisplayBase64 => BODY_DISPLAY_BASE64,
            Fault::DisplayXhtml => BODY_DISPLAY_XHTML,
            Fault::DisplayId => BODY_DISPLAY_ID,
            Fault::JsonBase64 => BODY_JSON_BASE64,
            Fault::UnknownDefinition => DEFINITION_UNKNOWN,
            Fault::RootKey => DEFINITION_ROOT_KEY,
            Fault::DocumentType => DEFINITION_DOCUMENT_TYPE,
            Fault::PhaseExpired => PHASE_EXPIRED,
            Fault::FrameIllFormed => FRAME_XML,
            Fault::FrameRoot => FRAME_ROOT,
            Fault::FrameInteraction => FRAME_INTERACTION,
            Fault::ServiceRequest => FRAME_SERVICE_REQUEST,
            Fault::FrameMismatch => FRAME_MISMATCH,
            Fault::ContentExtraElement => {
                sosmeta_validate::finding::rules::SCHEMA_ADDITIONAL_PROPERTIES
            }
            Fault::RegisterCustodian => REGISTER_CUSTODIAN,
            Fault::RegisterNotOpen => REGISTER_NOT_OPEN,
            Fault::UsageSituation => FRAME_USAGE_SITUATION,
        }
    }

    /// True when the fault is about the XML form only (the JSON view cannot carry it).
    pub fn xml_only(self) -> bool {
        matches!(
            self,
            Fault::NotUtf8
                | Fault::IllFormed
                | Fault::NoXmlDeclaration
                | Fault::RootNamespace
                | Fault::FinnishNamespace
                | Fault::NoJson
                | Fault::DisplayBase64
                | Fault::JsonBase64
        )
    }
}

/// A CDA and its frame, as bytes.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// The CDA.
    pub cda: Vec<u8>,
    /// The transfer frame.
    pub frame: Vec<u8>,
}

impl Fixture {
    /// The CDA's JSON view (`{"metadata", "body", "content"}`), as JSON; an error for a
    /// fixture whose faults leave it without one.
    pub fn view(&self) -> Result<serde_json::Value, crate::view::ViewError> {
        let view = crate::view::ArchiveView::from_cda_bytes(&self.cda)?;
        serde_json::to_value(view).map_err(|e| crate::view::ViewError::Structured(e.to_string()))
    }
}

impl Spec {
    /// The clean CDA and frame.
    pub fn build(&self) -> Fixture {
        Fixture {
            cda: self.cda().into_bytes(),
            frame: self.frame().into_bytes(),
        }
    }

    /// The CDA and frame with one fault.
    pub fn build_with(&self, fault: Fault) -> Fixture {
        let mut s = self.clone();
        let mut post: Option<fn(&mut Fixture)> = None;
        match fault {
            Fault::NotUtf8 => {
                post = Some(|f| {
                    let i = find(&f.cda, b"<family>Testinen").map_or(0, |i| i + 8);
                    f.cda.insert(i, 0xE4);
                })
            }
            Fault::IllFormed => {
                post = Some(|f| {
                    let n = f.cda.len() - 20;
                    f.cda.truncate(n);
                })
            }
            Fault::NoXmlDeclaration => s.xml_declaration = false,
            Fault::RootNamespace => s.root_namespace = "urn:hl7-org:v2".into(),
            Fault::FinnishNamespace => s.fi_namespace = "urn:hl7-org:v3".into(),
            Fault::Realm => s.realm = "SE".into(),
            Fault::TypeId => s.type_id_extension = "POCD_HD000041".into(),
            Fault::BodyId => s.body_id = s.document_id.clone(),
            Fault::MissingLanguage => s.language = None,
            Fault::SetId => s.set_id = "1.2.246.10.99999999.95777.2025.1".into(),
            Fault::CodeSystem => s.confidentiality.1 = "1.2.246.537.5.40179.2008".into(),
            Fault::ServiceTask => {
                s.function_code = Some(("01".into(), "1.2.246.537.6.1271".into()))
            }
            Fault::CodeUnknown => s.confidentiality.0 = "66".into(),
            Fault::CodeInactive => s.confidentiality.0 = "7".into(),
            Fault::Time => s.effective_time = "20260230091500+0200".into(),
            Fault::RecorderNotAuthor => {
                s.author = Some((
                    "Outi".into(),
                    "Ulkopuolinen".into(),
                    "1.2.246.537.26".into(),
                    "999999999".into(),
                ))
            }
            Fault::RecorderNull => s.author = None,
            Fault::NoJson => s.no_json = true,
            Fault::DisplayBase64 => s.display_base64_override = Some("PGRpdj4*".into()),
            Fault::DisplayXhtml => {
                s.display_override = Some(format!(
                "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><div id=\"{}\"/></body></html>",
                s.display_id
            ))
            }
            Fault::DisplayId => s.display_id = "asiakirja-1".into(),
            Fault::JsonBase64 => {
                s.json_base64_override = Some(xml_escape(
                    &serde_json::to_string(&s.content).unwrap_or_default(),
                ))
            }
            Fault::UnknownDefinition => {
                s.content_specification_id.push('9');
            }
            Fault::RootKey => {
                if let Some(o) = s.content.as_object_mut() {
                    let entries: Vec<(String, Value)> = std::mem::take(o).into_iter().collect();
                    for (k, v) in entries {
                        o.insert(format!("{k}_x"), v);
                    }
                }
            }
            Fault::DocumentType => match &mut s.specific_document_type {
                Some(t) => t.push('9'),
                None => s.document_group = "9".into(),
            },
            Fault::PhaseExpired => {
                s.document_group = "3".into();
                s.effective_time = "20260902091500+0300".into();
                s.creation_time = "20260902091500+0300".into();
            }
            Fault::FrameIllFormed => {
                post = Some(|f| {
                    let n = f.frame.len() - 10;
                    f.frame.truncate(n);
                })
            }
            Fault::FrameRoot => s.frame_root = "RCMR_IN200001FI01".into(),
            Fault::FrameInteraction => s.frame_interaction = "RCMR_IN200003FI01".into(),
            Fault::ServiceRequest => {
                s.service_request = if s.service_request == "SP1" {
                    "SP17"
                } else {
                    "SP1"
                }
                .into()
            }
            Fault::FrameMismatch => s.frame_effective_time = Some("20260302091600+0200".into()),
            Fault::RegisterCustodian => s.organiser = "1.2.246.10.88888888.10.0".into(),
            Fault::RegisterNotOpen => s.sender = PROVIDER_OID.into(),
            Fault::UsageSituation => {
                s.sender = PROVIDER_OID.into();
                s.effective_time = "20260902091500+0300".into();
                s.creation_time = "20260902091500+0300".into();
            }
            Fault::ContentExtraElement => {
                if let Some(Value::Object(o)) = s
                    .content
                    .as_object_mut()
                    .and_then(|o| o.values_mut().next())
                {
                    o.insert("ylimaarainen".into(), Value::String("x".into()));
                }
            }
        }
        let mut f = s.build();
        if let Some(post) = post {
            post(&mut f);
        }
        f
    }
}

/// Show a value as a reader expects it: dates `dd.mm.yyyy`, Kyllä/Ei, codes by their
/// display text, identifiers by their value.
fn shown(v: &Value) -> Option<String> {
    Some(match v {
        Value::String(s) => {
            let b = s.as_bytes();
            if s.len() == 10 && b[4] == b'-' && b[7] == b'-' {
                format!("{}.{}.{}", &s[8..10], &s[5..7], &s[..4])
            } else {
                s.clone()
            }
        }
        Value::Bool(true) => "Kyllä".into(),
        Value::Bool(false) => "Ei".into(),
        Value::Number(n) => n.to_string(),
        Value::Object(o) if o.contains_key("display") => o["display"].as_str()?.to_string(),
        Value::Object(o) if o.contains_key("value") && o.len() <= 2 => match &o["value"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        },
        _ => return None,
    })
}

/// The display form's items for a value: one `soc-item` per leaf, headings for groups.
fn render(v: &Value, key: &str, depth: usize, out: &mut String) {
    if let Some(text) = shown(v) {
        out.push_str(&format!(
            "<div class=\"soc-item\"><h3 class=\"soc-title\">{}</h3><div class=\"soc-content\">{}</div></div>",
            xml_escape(key),
            xml_escape(&text)
        ));
        return;
    }
    match v {
        Value::Array(a) => {
            for x in a {
                render(x, key, depth, out);
            }
        }
        Value::Object(o) => {
            if !key.is_empty() {
                let h = depth.clamp(1, 3);
                out.push_str(&format!(
                    "<div class=\"soc-list\"><h{h} class=\"soc-title\">{}</h{h}>",
                    xml_escape(key)
                ));
            }
            for (k, x) in o {
                render(x, k, depth + 1, out);
            }
            if !key.is_empty() {
                out.push_str("</div>");
            }
        }
        _ => {}
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
