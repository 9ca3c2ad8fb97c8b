package org.carillon.api.methods;

import java.util.List;
import java.util.Map;
import org.carillon.api.rpc.Method;
import org.carillon.api.rpc.OpenRpc;

/** The API's name and version, and its OpenRPC document. */
public final class CarillonApi {
    public static final String TITLE = "Carillon daemon API";
    public static final String VERSION = "0.1.0";

    private CarillonApi() {}

    public static Map<String, Object> document(List<Method> methods) {
        return OpenRpc.document(TITLE, VERSION, methods, CarillonMethods.eventDescriptions(), OpenRpc.errors());
    }
}
