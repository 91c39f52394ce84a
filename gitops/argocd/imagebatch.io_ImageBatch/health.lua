-- Argo CD health of an imagebatch.io/v1alpha1 ImageBatch: a one-shot, job-like resource.
-- Healthy only once the run succeeded; a run in progress is Progressing (so sync waves and
-- `argocd app wait --health` wait for it), a failed or stuck one is Degraded with the operator's
-- message, which says what to fix.
local function condition(status, type)
  if status.conditions == nil then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local function isTrue(c)
  return c ~= nil and c.status == "True"
end

local function messageOf(c)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  return nil
end

-- "Running, 1502/2000 images: 7 of 10 shards done, 3 running (Job spring-catalog-g3)"
local function describe(phase, message, progress)
  local text = phase
  if progress ~= nil and progress ~= "" then
    text = text .. ", " .. progress .. " images"
  end
  if message ~= nil then
    text = text .. ": " .. message
  end
  return text
end

local status = obj.status
local generation = obj.metadata.generation
if status == nil then
  return { status = "Progressing", message = "Waiting for the operator" }
end
-- Conditions written for an older spec say nothing about the current one.
if status.observedGeneration == nil
    or (generation ~= nil and status.observedGeneration < generation) then
  return {
    status = "Progressing",
    message = "Waiting for the operator to observe generation " .. tostring(generation)
  }
end

local phase = status.phase or "Pending"
if phase == "Succeeded" or isTrue(condition(status, "Complete")) then
  return {
    status = "Healthy",
    message = messageOf(condition(status, "Complete")) or "Succeeded"
  }
end
local failed = condition(status, "Failed")
if phase == "Failed" or isTrue(failed) then
  return { status = "Degraded", message = messageOf(failed) or "Failed" }
end
local stalled = condition(status, "Stalled")
if isTrue(stalled) then
  return { status = "Degraded", message = messageOf(stalled) or "Stalled" }
end
local ready = condition(status, "Ready")
if phase == "Suspended" then
  return { status = "Suspended", message = describe(phase, messageOf(ready), status.progress) }
end
local reconciling = condition(status, "Reconciling")
return {
  status = "Progressing",
  message = describe(phase, messageOf(reconciling) or messageOf(ready), status.progress)
}
