package dev.nagare.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** Error codes are read from every response Nagare can send, at every version, and counted per occurrence. */
class ResponseErrorsTest {

    @Test
    void anEmptyResponseOfEveryApiAtEveryVersionIsReadWithoutThrowing() {
        for (ApiKeys api : ApiKeys.values()) {
            for (short v = api.oldestVersion(); v <= api.latestVersion(); v++) {
                ApiMessage empty = ApiMessageType.fromApiKey(api.id).newResponse();
                short version = v;
                assertDoesNotThrow(() -> ResponseErrors.forEach(api, version, empty, (a, code, n) -> { }),
                        api + " v" + v);
            }
        }
    }

    @Test
    void aWholeGroupLeaveAnsweredAtVersion1CountsItsTopLevelError() {
        List<String> seen = new ArrayList<>();
        ResponseErrors.forEach(ApiKeys.LEAVE_GROUP, (short) 1,
                new LeaveGroupResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()),
                (api, code, n) -> seen.add(api.name + " " + Errors.forCode(code) + " " + n));
        assertEquals(List.of("LeaveGroup UNKNOWN_MEMBER_ID 1"), seen);
    }

    @Test
    void eachFailedProducePartitionCountsOnceAndSuccessesNotAtAll() {
        ProduceResponseData response = new ProduceResponseData();
        ProduceResponseData.TopicProduceResponse topic = new ProduceResponseData.TopicProduceResponse().setName("t");
        for (short code : new short[] {0, 3, 3, 0}) {
            topic.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse().setErrorCode(code));
        }
        response.responses().add(topic);
        List<String> seen = new ArrayList<>();
        ResponseErrors.forEach(ApiKeys.PRODUCE, (short) 9, response,
                (api, code, n) -> seen.add(Errors.forCode(code) + " " + n));
        assertEquals(List.of("UNKNOWN_TOPIC_OR_PARTITION 1", "UNKNOWN_TOPIC_OR_PARTITION 1"), seen);
    }
}
