//! What a sync reads: one stream per usage operation at the finest grouping the API allows,
//! costs twice (OpenAI refuses `user_id` together with `project_id`), each at a fixed bucket
//! width. A stream's name is what the `buckets` and `results` tables store.

use openai_usage::{
    Client, UsageAudioSpeechesGroupBy, UsageAudioSpeechesParams, UsageAudioTranscriptionsGroupBy,
    UsageAudioTranscriptionsParams, UsageBucketWidth, UsageCodeInterpreterSessionsGroupBy,
    UsageCodeInterpreterSessionsParams, UsageCompletionsGroupBy, UsageCompletionsParams,
    UsageCostsGroupBy, UsageCostsParams, UsageDecisionsGroupBy, UsageDecisionsParams,
    UsageEmbeddingsGroupBy, UsageEmbeddingsParams, UsageFileSearchCallsGroupBy,
    UsageFileSearchCallsParams, UsageImagesGroupBy, UsageImagesParams, UsageModerationsGroupBy,
    UsageModerationsParams, UsageResponse, UsageVectorStoresGroupBy, UsageVectorStoresParams,
    UsageWebSearchCallsGroupBy, UsageWebSearchCallsParams,
};

/// Seconds in an hour and a day.
pub const HOUR: i64 = 3_600;
/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// One thing a sync reads and stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stream {
    /// `/organization/costs` by project, line item, API key and API source, daily.
    Costs,
    /// `/organization/costs` by user, line item, API key and API source, daily (OpenAI does not
    /// group costs by user and project together).
    CostsByUser,
    /// Completions by every dimension, hourly.
    Completions,
    /// Decisions by every dimension, hourly.
    Decisions,
    /// Embeddings by every dimension, hourly.
    Embeddings,
    /// Moderations by every dimension, hourly.
    Moderations,
    /// Images by every dimension, hourly.
    Images,
    /// Audio speeches by every dimension, hourly.
    AudioSpeeches,
    /// Audio transcriptions by every dimension, hourly.
    AudioTranscriptions,
    /// Vector stores by project, hourly.
    VectorStores,
    /// Code interpreter sessions by project, hourly.
    CodeInterpreterSessions,
    /// File search calls by every dimension, hourly.
    FileSearchCalls,
    /// Web search calls by every dimension, hourly.
    WebSearchCalls,
}

impl Stream {
    /// Every stream, in the order a sync reads them.
    pub const ALL: [Stream; 13] = [
        Stream::Costs,
        Stream::CostsByUser,
        Stream::Completions,
        Stream::Decisions,
        Stream::Embeddings,
        Stream::Moderations,
        Stream::Images,
        Stream::AudioSpeeches,
        Stream::AudioTranscriptions,
        Stream::VectorStores,
        Stream::CodeInterpreterSessions,
        Stream::FileSearchCalls,
        Stream::WebSearchCalls,
    ];

    /// The name stored in the `stream` columns.
    pub fn name(self) -> &'static str {
        match self {
            Stream::Costs => "costs",
            Stream::CostsByUser => "costs_by_user",
            Stream::Completions => "completions",
            Stream::Decisions => "decisions",
            Stream::Embeddings => "embeddings",
            Stream::Moderations => "moderations",
            Stream::Images => "images",
            Stream::AudioSpeeches => "audio_speeches",
            Stream::AudioTranscriptions => "audio_transcriptions",
            Stream::VectorStores => "vector_stores",
            Stream::CodeInterpreterSessions => "code_interpreter_sessions",
            Stream::FileSearchCalls => "file_search_calls",
            Stream::WebSearchCalls => "web_search_calls",
        }
    }

    /// The bucket width, in seconds: costs are daily (the only width OpenAI has for them),
    /// usage hourly (fine enough for a day's profile, 24 rows a day per group).
    pub fn width(self) -> i64 {
        match self {
            Stream::Costs | Stream::CostsByUser => DAY,
            _ => HOUR,
        }
    }

    /// Buckets per page: the most OpenAI allows at that width.
    fn limit(self) -> i64 {
        match self {
            Stream::Costs | Stream::CostsByUser => 180,
            _ => 168,
        }
    }

    /// Whether results carry money.
    pub fn is_costs(self) -> bool {
        matches!(self, Stream::Costs | Stream::CostsByUser)
    }

    /// One page of this stream: buckets from `start` to `end`, from `page` (a cursor the
    /// previous page gave) or the first.
    pub async fn page(
        self,
        client: &Client,
        start: i64,
        end: i64,
        page: Option<&str>,
    ) -> Result<UsageResponse, openai_usage::Error> {
        /// A usage operation grouped by everything but `$except`, hourly.
        macro_rules! usage {
            ($method:ident, $params:ident, $group:ident $(, except $except:ident)?) => {{
                let groups = $group::ALL.into_iter()$(.filter(|g| *g != $group::$except))?;
                let mut params = $params::new(start)
                    .end_time(end)
                    .bucket_width(UsageBucketWidth::OneHour)
                    .group_by(groups)
                    .limit(self.limit());
                if let Some(page) = page {
                    params = params.page(page);
                }
                client.$method(&params).await
            }};
        }
        match self {
            Stream::Costs | Stream::CostsByUser => {
                let except = if self == Stream::Costs {
                    UsageCostsGroupBy::UserId
                } else {
                    UsageCostsGroupBy::ProjectId
                };
                let mut params = UsageCostsParams::new(start)
                    .end_time(end)
                    .group_by(UsageCostsGroupBy::ALL.into_iter().filter(|g| *g != except))
                    .limit(self.limit());
                if let Some(page) = page {
                    params = params.page(page);
                }
                client.usage_costs(&params).await
            }
            Stream::Completions => usage!(
                usage_completions,
                UsageCompletionsParams,
                UsageCompletionsGroupBy
            ),
            Stream::Decisions => {
                usage!(usage_decisions, UsageDecisionsParams, UsageDecisionsGroupBy)
            }
            Stream::Embeddings => {
                usage!(
                    usage_embeddings,
                    UsageEmbeddingsParams,
                    UsageEmbeddingsGroupBy
                )
            }
            Stream::Moderations => {
                usage!(
                    usage_moderations,
                    UsageModerationsParams,
                    UsageModerationsGroupBy
                )
            }
            Stream::Images => usage!(usage_images, UsageImagesParams, UsageImagesGroupBy),
            Stream::AudioSpeeches => usage!(
                usage_audio_speeches,
                UsageAudioSpeechesParams,
                UsageAudioSpeechesGroupBy
            ),
            Stream::AudioTranscriptions => usage!(
                usage_audio_transcriptions,
                UsageAudioTranscriptionsParams,
                UsageAudioTranscriptionsGroupBy
            ),
            Stream::VectorStores => usage!(
                usage_vector_stores,
                UsageVectorStoresParams,
                UsageVectorStoresGroupBy
            ),
            Stream::CodeInterpreterSessions => usage!(
                usage_code_interpreter_sessions,
                UsageCodeInterpreterSessionsParams,
                UsageCodeInterpreterSessionsGroupBy
            ),
            Stream::FileSearchCalls => usage!(
                usage_file_search_calls,
                UsageFileSearchCallsParams,
                UsageFileSearchCallsGroupBy
            ),
            Stream::WebSearchCalls => usage!(
                usage_web_search_calls,
                UsageWebSearchCallsParams,
                UsageWebSearchCallsGroupBy
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_names_are_distinct_and_stable() {
        let names: std::collections::BTreeSet<_> = Stream::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(names.len(), Stream::ALL.len());
        assert!(names.contains("costs_by_user"));
        assert_eq!(Stream::Costs.width(), 86_400);
        assert_eq!(Stream::Completions.width(), 3_600);
    }
}
