use openai_usage::*;

pub fn run() {
    let params = UsageFileSearchCallsParams::new(1730419200)
        .end_time(1730505600)
        .bucket_width(UsageBucketWidth::OneHour)
        .project_ids(["proj_1"])
        .user_ids(["user_1"])
        .api_key_ids(["key_1"])
        .vector_store_ids(["vs_1"])
        .group_by([UsageFileSearchCallsGroupBy::VectorStoreId])
        .limit(24)
        .page("page_1");
    params.validate().unwrap();
    assert!(!params.to_query().is_empty());
}
